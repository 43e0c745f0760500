//! Coordinate descent on the factors: scikit-learn's `cd` (one HALS sweep per
//! product, `_update_cdnmf_fast`) and accelerated HALS (Gillis & Glineur
//! 2012: repeat the cheap sweep while it still moves the factor).
//!
//! Internally `H` is kept transposed (`Ht`, `d×k`) so both updates are the
//! same row-parallel sweep: rows of `W` (resp. `Ht`) are independent given the
//! Gram matrix, which is why the rows run in parallel with results identical
//! to scikit-learn's column-by-column loop.

use super::linalg::{gemm, residual_sq, sum_sq, transpose};
use super::rng::Rng;
use super::{progress_bar, NmfError, NmfFit, NmfParams, Solver};
use rayon::prelude::*;
use std::time::Instant;

/// Dot product with 8 independent accumulators (vectorises).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = (acc[0] + acc[4]) + (acc[1] + acc[5]) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// One HALS sweep over the columns `perm` of `a` (`m×k`, rows in parallel):
/// `a[i,t] ← max(0, a[i,t] − (a[i,:]·g[t,:] − c[i,t]) / g[t,t])`.
///
/// Returns the projected-gradient violation (scikit-learn's, measured before
/// each coordinate moves) and the squared change of `a`.
pub fn sweep(a: &mut [f32], g: &[f32], c: &[f32], k: usize, perm: &[usize]) -> (f64, f64) {
    a.par_chunks_mut(k * 16)
        .zip(c.par_chunks(k * 16))
        .map(|(ab, cb)| {
            let mut viol = 0.0f64;
            let mut change = 0.0f64;
            for (row, crow) in ab.chunks_mut(k).zip(cb.chunks(k)) {
                for &t in perm {
                    let grad = dot(&g[t * k..(t + 1) * k], row) - crow[t];
                    let pg = if row[t] == 0.0 { grad.min(0.0) } else { grad };
                    viol += pg.abs() as f64;
                    let hess = g[t * k + t];
                    if hess != 0.0 {
                        let new = (row[t] - grad / hess).max(0.0);
                        let dlt = (new - row[t]) as f64;
                        change += dlt * dlt;
                        row[t] = new;
                    }
                }
            }
            (viol, change)
        })
        .reduce(|| (0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1))
}

/// Inner sweeps allowed per product for accelerated HALS: `⌊1 + α ρ⌋` with
/// `ρ` the cost of the products over the cost of one sweep and `α = 0.5`
/// (Gillis & Glineur), where a sweep's multiply-add is counted as 8 of the
/// GEMM's: the sweep runs at a fraction of the GEMM's rate.
pub fn max_inner(rows: usize, other: usize, k: usize) -> usize {
    let products = (rows * other * k + other * k * k) as f64;
    let one_sweep = 8.0 * (rows * k * k) as f64;
    let rho = 1.0 + products / one_sweep;
    (1.0 + 0.5 * rho).floor().max(1.0) as usize
}

/// Updates `a` (`m×k`) against the other factor `b` (`o×k`) and the data
/// `m×o` given through `c = M b` (already computed by the caller).
#[allow(clippy::too_many_arguments)]
fn update(
    a: &mut [f32],
    b: &[f32],
    c: &mut [f32],
    m: usize,
    o: usize,
    k: usize,
    l1: f32,
    l2: f32,
    solver: Solver,
    shuffle: bool,
    rng: &mut Rng,
) -> f64 {
    let mut g = vec![0.0f32; k * k];
    gemm(&mut g, b, (o, k), true, b, (o, k), false, false);
    if l2 != 0.0 {
        for t in 0..k {
            g[t * k + t] += l2;
        }
    }
    if l1 != 0.0 {
        c.par_iter_mut().for_each(|v| *v -= l1);
    }
    let mut perm: Vec<usize> = (0..k).collect();
    if shuffle {
        rng.shuffle(&mut perm);
    }
    let (viol, first) = sweep(a, &g, c, k, &perm);
    if solver == Solver::Hals {
        let inner = max_inner(m, o, k);
        for _ in 1..inner {
            if shuffle {
                rng.shuffle(&mut perm);
            }
            let (_, ch) = sweep(a, &g, c, k, &perm);
            if ch <= 0.01 * first {
                break;
            }
        }
    }
    viol
}

/// Runs `cd` or `hals` from `(w, ht)`. With `update_h = false` only `W` moves.
#[allow(clippy::too_many_arguments)]
pub fn run_hals(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    w: &mut [f32],
    ht: &mut [f32],
    p: &NmfParams,
    (l1_w, l1_h, l2_w, l2_h): (f32, f32, f32, f32),
    update_h: bool,
    start: Instant,
    trace: &mut Vec<(usize, f64, f64)>,
) -> usize {
    let mut rng = Rng::new(p.seed);
    let mut xht = vec![0.0f32; n * k];
    let mut xtw = vec![0.0f32; d * k];
    // `Xᵀ W` from a stored `Xᵀ` (`d×n`): a plain row-major product, which
    // faer runs markedly faster than `X` entering transposed.
    let xt = if update_h {
        transpose(x, n, d)
    } else {
        Vec::new()
    };
    let mut buf = Vec::new();
    let mut violation_init = 0.0;
    let pb = progress_bar(p.progress && p.max_iter >= 20, p.max_iter, "nmf hals");
    let mut n_iter = 0;
    for it in 1..=p.max_iter {
        n_iter = it;
        gemm(&mut xht, x, (n, d), false, ht, (d, k), false, false);
        let mut violation = update(
            w, ht, &mut xht, n, d, k, l1_w, l2_w, p.solver, p.shuffle, &mut rng,
        );
        if update_h {
            gemm(&mut xtw, &xt, (d, n), false, w, (n, k), false, false);
            violation += update(
                ht, w, &mut xtw, d, n, k, l1_h, l2_h, p.solver, p.shuffle, &mut rng,
            );
        }
        if p.trace {
            let h = transpose(ht, d, k);
            let e = residual_sq(x, w, &h, n, k, d, &mut buf).sqrt();
            trace.push((it, start.elapsed().as_secs_f64(), e));
            if p.stop_at.is_some_and(|t| e <= t) {
                break;
            }
        }
        pb.inc(1);
        if it == 1 {
            violation_init = violation;
        }
        if violation_init == 0.0 {
            break;
        }
        pb.set_message(format!("violation {:.2e}", violation / violation_init));
        if violation / violation_init <= p.tol {
            break;
        }
    }
    pb.finish_and_clear();
    n_iter
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_hals(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    mut w: Vec<f32>,
    h: Vec<f32>,
    p: &NmfParams,
    reg: (f32, f32, f32, f32),
    start: Instant,
) -> Result<NmfFit, NmfError> {
    let mut ht = transpose(&h, k, d);
    let mut trace = Vec::new();
    let n_iter = run_hals(x, n, d, k, &mut w, &mut ht, p, reg, true, start, &mut trace);
    let h = transpose(&ht, d, k);
    let mut buf = Vec::new();
    let err = residual_sq(x, &w, &h, n, k, d, &mut buf).sqrt();
    let rel_error = err / sum_sq(x).sqrt();
    Ok(NmfFit {
        w,
        h,
        n_samples: n,
        n_features: d,
        n_components: k,
        n_iter,
        reconstruction_err: err,
        rel_error,
        fit_seconds: 0.0,
        trace,
    })
}
