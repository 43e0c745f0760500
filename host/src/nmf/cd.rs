//! Coordinate descent on the factors: scikit-learn's `cd` (one HALS sweep per
//! product, `_update_cdnmf_fast`), and the iteration loop accelerated HALS
//! shares with it (what HALS adds, inner sweeps and extrapolation, is in
//! [`super::hals`]).
//!
//! Internally `H` is kept transposed (`Ht`, `d×k`) so both updates are the
//! same row-parallel sweep: rows of `W` (resp. `Ht`) are independent given the
//! Gram matrix, which is why the rows run in parallel with results identical
//! to scikit-learn's column-by-column loop.

use super::hals::{max_inner, Extrapolation};
use super::linalg::{gemm, gram, residual_sq, sum_sq, transpose};
use super::rng::Rng;
use super::sketch::Sketch;
use super::{progress_bar, NmfError, NmfFit, NmfParams, Solver};
use rayon::prelude::*;
use std::time::Instant;

/// One HALS sweep over the columns `perm` of `a` (`m×k`, rows in parallel):
/// `a[i,t] ← max(0, a[i,t] − (a[i,:]·g[t,:] − c[i,t]) / g[t,t])`.
///
/// Returns the projected-gradient violation (scikit-learn's, measured before
/// each coordinate moves) and the squared change of `a`.
///
/// Rows go four at a time through an explicitly vectorised kernel (pulp,
/// dispatched at run time to AVX2+FMA where the CPU has it): each coordinate
/// update needs the dot product of a row with a Gram row, and one row alone is
/// a single chain of dependent multiply-adds; four rows (two accumulators
/// each) keep the FMA units busy. Each row's arithmetic does not depend on
/// which rows share its block, so results do not depend on the thread count.
pub fn sweep(a: &mut [f32], g: &[f32], c: &[f32], k: usize, perm: &[usize]) -> (f64, f64) {
    let arch = pulp::Arch::new();
    a.par_chunks_mut(k * 16)
        .zip(c.par_chunks(k * 16))
        .map(|(ab, cb)| {
            arch.dispatch(SweepBlock {
                a: ab,
                c: cb,
                g,
                k,
                perm,
            })
        })
        .reduce(|| (0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1))
}

struct SweepBlock<'a> {
    a: &'a mut [f32],
    c: &'a [f32],
    g: &'a [f32],
    k: usize,
    perm: &'a [usize],
}

/// `[g·r for r in rows]`, two vector accumulators per row.
#[inline(always)]
fn dots<S: pulp::Simd, const R: usize>(simd: S, g: &[f32], rows: [&[f32]; R]) -> [f32; R] {
    let (gh, gt) = S::as_simd_f32s(g);
    let zero = simd.splat_f32s(0.0);
    let mut acc0 = [zero; R];
    let mut acc1 = [zero; R];
    let mut heads = [gh; R];
    let mut tails = [gt; R];
    for j in 0..R {
        let (h, t) = S::as_simd_f32s(rows[j]);
        heads[j] = h;
        tails[j] = t;
    }
    let pairs = gh.len() / 2;
    for i in 0..pairs {
        let (g0, g1) = (gh[2 * i], gh[2 * i + 1]);
        for j in 0..R {
            acc0[j] = simd.mul_add_f32s(g0, heads[j][2 * i], acc0[j]);
            acc1[j] = simd.mul_add_f32s(g1, heads[j][2 * i + 1], acc1[j]);
        }
    }
    if gh.len() % 2 == 1 {
        let i = gh.len() - 1;
        for j in 0..R {
            acc0[j] = simd.mul_add_f32s(gh[i], heads[j][i], acc0[j]);
        }
    }
    let mut out = [0.0f32; R];
    for j in 0..R {
        let mut s = simd.reduce_sum_f32s(simd.add_f32s(acc0[j], acc1[j]));
        for (x, y) in gt.iter().zip(tails[j]) {
            s += x * y;
        }
        out[j] = s;
    }
    out
}

/// Moves coordinate `t` of `row` given its dot product with the Gram row.
#[inline(always)]
fn step(row: &mut [f32], t: usize, dot: f32, ct: f32, hess: f32, acc: &mut (f64, f64)) {
    let grad = dot - ct;
    let pg = if row[t] == 0.0 { grad.min(0.0) } else { grad };
    acc.0 += pg.abs() as f64;
    if hess != 0.0 {
        let new = (row[t] - grad / hess).max(0.0);
        let dlt = (new - row[t]) as f64;
        acc.1 += dlt * dlt;
        row[t] = new;
    }
}

impl pulp::WithSimd for SweepBlock<'_> {
    type Output = (f64, f64);

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> (f64, f64) {
        let SweepBlock { a, c, g, k, perm } = self;
        let mut acc = (0.0f64, 0.0f64);
        for (blk, cblk) in a.chunks_mut(4 * k).zip(c.chunks(4 * k)) {
            if blk.len() == 4 * k {
                let (r0, rest) = blk.split_at_mut(k);
                let (r1, rest) = rest.split_at_mut(k);
                let (r2, r3) = rest.split_at_mut(k);
                for &t in perm {
                    let gt = &g[t * k..(t + 1) * k];
                    let hess = g[t * k + t];
                    let d = dots(simd, gt, [&*r0, &*r1, &*r2, &*r3]);
                    step(r0, t, d[0], cblk[t], hess, &mut acc);
                    step(r1, t, d[1], cblk[k + t], hess, &mut acc);
                    step(r2, t, d[2], cblk[2 * k + t], hess, &mut acc);
                    step(r3, t, d[3], cblk[3 * k + t], hess, &mut acc);
                }
            } else {
                for (row, crow) in blk.chunks_mut(k).zip(cblk.chunks(k)) {
                    for &t in perm {
                        let gt = &g[t * k..(t + 1) * k];
                        let [d] = dots(simd, gt, [&*row]);
                        step(row, t, d, crow[t], g[t * k + t], &mut acc);
                    }
                }
            }
        }
        acc
    }
}

/// Updates `a` (`m×k`) against the other factor `b` (`o×k`) and the data
/// `m×o` given through `c = M b` (already computed by the caller), with at
/// most `inner` sweeps (`hals`; `cd` makes one). Leaves `bᵀb` (plus the L2
/// term on its diagonal) in `g` (`k×k`).
#[allow(clippy::too_many_arguments)]
fn update(
    a: &mut [f32],
    b: &[f32],
    c: &mut [f32],
    g: &mut [f32],
    o: usize,
    k: usize,
    l1: f32,
    l2: f32,
    solver: Solver,
    inner: usize,
    shuffle: bool,
    rng: &mut Rng,
) -> f64 {
    gram(g, b, o, k);
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
    let (viol, first) = sweep(a, g, c, k, &perm);
    if solver == Solver::Hals {
        for _ in 1..inner {
            if shuffle {
                rng.shuffle(&mut perm);
            }
            let (_, ch) = sweep(a, g, c, k, &perm);
            if ch <= 0.01 * first {
                break;
            }
        }
    }
    viol
}

/// The data as the two big products see it: `X` itself, or a sketch
/// `X ≈ Q B` (see [`Sketch`]; about `n d / (l (n + d))` times cheaper).
#[derive(Debug)]
pub enum Products<'a> {
    /// `X` (`n×d`) and its stored transpose (`Xᵀ W` is then a plain
    /// row-major product, which faer runs markedly faster than `X` entering
    /// transposed).
    Dense {
        /// `n×d`.
        x: &'a [f32],
        /// `d×n`.
        xt: Vec<f32>,
    },
    /// `Q B`.
    Sketched(Sketch),
}

impl Products<'_> {
    /// `out (n×k) = X Ht`.
    fn x_ht(
        &self,
        ht: &[f32],
        n: usize,
        d: usize,
        k: usize,
        out: &mut [f32],
        scratch: &mut Vec<f32>,
    ) {
        match self {
            Products::Dense { x, .. } => gemm(out, x, (n, d), false, ht, (d, k), false, false),
            Products::Sketched(s) => s.x_ht(ht, k, out, scratch),
        }
    }

    /// `out (d×k) = Xᵀ W`.
    fn xt_w(
        &self,
        w: &[f32],
        n: usize,
        d: usize,
        k: usize,
        out: &mut [f32],
        scratch: &mut Vec<f32>,
    ) {
        match self {
            Products::Dense { xt, .. } => gemm(out, xt, (d, n), false, w, (n, k), false, false),
            Products::Sketched(s) => s.xt_w(w, k, out, scratch),
        }
    }

    /// `‖X‖²_F` of the data the products use.
    fn norm_sq(&self) -> f64 {
        match self {
            Products::Dense { x, .. } => sum_sq(x),
            Products::Sketched(s) => s.norm_sq(),
        }
    }
}

/// Runs `cd` or `hals` from `(w, ht)`, the products taken from `data`
/// (`X` or a sketch of it); `x` itself serves only the trace.
#[allow(clippy::too_many_arguments)]
pub fn run(
    x: &[f32],
    data: &Products,
    n: usize,
    d: usize,
    k: usize,
    w: &mut [f32],
    ht: &mut [f32],
    p: &NmfParams,
    (l1_w, l1_h, l2_w, l2_h): (f32, f32, f32, f32),
    start: Instant,
    trace: &mut Vec<(usize, f64, f64)>,
) -> usize {
    let mut rng = Rng::new(p.seed);
    let mut xht = vec![0.0f32; n * k];
    let mut xtw = vec![0.0f32; d * k];
    let mut scratch = Vec::new();
    let mut gram = vec![0.0f32; k * k];
    let mut buf = Vec::new();
    let mut violation_init = 0.0;
    let pb = progress_bar(p.progress && p.max_iter >= 20, p.max_iter, "nmf hals");
    let mut n_iter = 0;
    // Accelerated HALS without regularisation also extrapolates (Ang & Gillis
    // 2019): after an iteration that lowered the loss, the next one starts
    // from `max(0, Y + β (Y − Y_prev))` for both factors; an iteration that
    // raises it is thrown away (restart from the last accepted pair, β
    // shrinks). The loss of each new pair comes from products the iteration
    // already made (`‖X‖² − 2⟨XᵀW, Ht⟩ + ⟨WᵀW, HtᵀHt⟩`), so accepted pairs
    // have a decreasing loss, and the pair returned is the last accepted one.
    // On a sketch that loss is the sketch's, `‖Q B − W H‖`: accepted pairs
    // descend in it, and the error on `X` (trace, result) need not be
    // monotone.
    let mut ex = (p.solver == Solver::Hals
        && p.extrapolate
        && (l1_w, l1_h, l2_w, l2_h) == (0.0, 0.0, 0.0, 0.0))
        .then(|| Extrapolation::new(data.norm_sq(), w, ht, k));
    let inner_w = max_inner(n, d, k);
    let inner_h = max_inner(d, n, k);
    for it in 1..=p.max_iter {
        n_iter = it;
        data.x_ht(ht, n, d, k, &mut xht, &mut scratch);
        let mut violation = update(
            w, ht, &mut xht, &mut gram, d, k, l1_w, l2_w, p.solver, inner_w, p.shuffle, &mut rng,
        );
        data.xt_w(w, n, d, k, &mut xtw, &mut scratch);
        violation += update(
            ht, w, &mut xtw, &mut gram, n, k, l1_h, l2_h, p.solver, inner_h, p.shuffle, &mut rng,
        );
        if let Some(ex) = ex.as_mut() {
            ex.step(w, ht, &xtw, &gram, d, k);
        }
        if p.trace {
            let (tw, tht) = match ex.as_ref() {
                Some(ex) => (&ex.acc_w[..], &ex.acc_ht[..]),
                None => (&w[..], &ht[..]),
            };
            let h = transpose(tht, d, k);
            let e = residual_sq(x, tw, &h, n, k, d, &mut buf).sqrt();
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
    if let Some(ex) = ex {
        w.copy_from_slice(&ex.acc_w);
        ht.copy_from_slice(&ex.acc_ht);
    }
    pb.finish_and_clear();
    n_iter
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn fit(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    mut w: Vec<f32>,
    h: Vec<f32>,
    p: &NmfParams,
    reg: (f32, f32, f32, f32),
    sketch: Option<Sketch>,
    start: Instant,
) -> Result<NmfFit, NmfError> {
    let mut ht = transpose(&h, k, d);
    let data = match sketch {
        Some(s) => Products::Sketched(s),
        None => Products::Dense {
            x,
            xt: transpose(x, n, d),
        },
    };
    let mut trace = Vec::new();
    let n_iter = run(
        x, &data, n, d, k, &mut w, &mut ht, p, reg, start, &mut trace,
    );
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
