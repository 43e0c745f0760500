//! Multiplicative updates (scikit-learn's `_fit_multiplicative_update`),
//! Frobenius and Kullback–Leibler, the products through faer's GEMM.
//!
//! With a [`Sketch`] (Frobenius only) the two big products `X Hᵀ` and
//! `Xᵀ W` come from `X ≈ Q B` instead of `X` (`l (n + d) k` multiply-adds
//! instead of `n d k` each), clamped at 0 because `Q B` may hold small
//! negative values where `X` holds none; the stopping rule still watches
//! `‖X − WH‖` on `X` itself, every 10 iterations as scikit-learn does.

use super::linalg::{dot, gemm, gram, residual_sq, transpose, transpose_into};
use super::sketch::Sketch;
use super::{kl_divergence, progress_bar, BetaLoss, NmfError, NmfFit, NmfParams, EPSILON};
use rayon::prelude::*;
use std::time::Instant;

/// The error scikit-learn's stopping rule watches: `sqrt(2 · divergence)`.
fn error(
    x: &[f32],
    w: &[f32],
    h: &[f32],
    n: usize,
    k: usize,
    d: usize,
    loss: BetaLoss,
    buf: &mut Vec<f32>,
) -> f64 {
    match loss {
        BetaLoss::Frobenius => residual_sq(x, w, h, n, k, d, buf).sqrt(),
        BetaLoss::KullbackLeibler => (2.0 * kl_divergence(x, w, h, n, k, d, buf).max(0.0)).sqrt(),
    }
}

/// `a *= num / max_eps(den + l1 + l2·a)` element-wise, in parallel.
fn apply_update(a: &mut [f32], num: &[f32], den: &[f32], l1: f32, l2: f32) {
    a.par_chunks_mut(1024)
        .zip(num.par_chunks(1024))
        .zip(den.par_chunks(1024))
        .for_each(|((a, num), den)| {
            for ((a, &nu), &de) in a.iter_mut().zip(num).zip(den) {
                let mut de = de;
                if l1 > 0.0 {
                    de += l1;
                }
                if l2 > 0.0 {
                    de += l2 * *a;
                }
                if de == 0.0 {
                    de = EPSILON;
                }
                *a *= nu / de;
            }
        });
}

/// `v = max(v, 0)` element-wise: a sketched numerator, where `X ≥ 0` makes
/// the exact one non-negative.
fn clamp_negative(v: &mut [f32]) {
    v.par_chunks_mut(4096).for_each(|c| {
        for a in c {
            *a = a.max(0.0);
        }
    });
}

/// Below this share of `‖X‖²`, [`FrobeniusCheck`] measures the error
/// directly: the expanded form subtracts numbers about `‖X‖²` in size, so its
/// absolute rounding (f32 products summed in f64, measured below 1e-6 of
/// `‖X‖²` on LFW) would then weigh too much against the changes of 1e-4 of the
/// error that the stopping rule compares.
pub const EXPANDED_MIN_SHARE: f64 = 0.01;

/// The Frobenius error of `mu` from the products its next `W` update needs:
/// `‖X − WH‖² = ‖X‖² − 2⟨X Hᵀ, W⟩ + ⟨Wᵀ W, H Hᵀ⟩`, with `X Hᵀ` (exact, on
/// `X`, also when the iterations use a sketch) and `H Hᵀ` left in place for
/// that update. A check then costs one `n d k` product that the next
/// iteration would have made anyway (or its sketched stand-in), instead of
/// building `W H` (`n d k`) and passing over `n d` values.
struct FrobeniusCheck {
    /// `‖X‖²`, in f64.
    xnorm2: f64,
}

impl FrobeniusCheck {
    /// `‖X − WH‖`: `num_w ← X Ht`, `hht ← Htᵀ Ht`, `wtw ← Wᵀ W` and the
    /// expanded form, or (below [`EXPANDED_MIN_SHARE`]) the direct residual
    /// into `buf`, `h` receiving `Ht`'s transpose for it.
    #[allow(clippy::too_many_arguments)]
    fn error(
        &self,
        x: &[f32],
        (w, ht, h): (&[f32], &[f32], &mut [f32]),
        (n, d, k): (usize, usize, usize),
        (num_w, hht, wtw): (&mut [f32], &mut [f32], &mut [f32]),
        buf: &mut Vec<f32>,
    ) -> f64 {
        gemm(num_w, x, (n, d), false, ht, (d, k), false, false);
        gram(hht, ht, d, k);
        gram(wtw, w, n, k);
        let sq = self.xnorm2 - 2.0 * dot(num_w, w) + dot(wtw, hht);
        if sq >= EXPANDED_MIN_SHARE * self.xnorm2 {
            return sq.sqrt();
        }
        transpose_into(h, ht, d, k);
        residual_sq(x, w, h, n, k, d, buf).sqrt()
    }
}

/// `R = X / max(W H, EPSILON)` into `buf` (`n×d`).
fn ratio(x: &[f32], w: &[f32], h: &[f32], n: usize, k: usize, d: usize, buf: &mut Vec<f32>) {
    super::linalg::reconstruct(buf, w, h, n, k, d);
    buf.par_chunks_mut(4096)
        .zip(x.par_chunks(4096))
        .for_each(|(r, x)| {
            for (r, &x) in r.iter_mut().zip(x) {
                *r = x / r.max(EPSILON);
            }
        });
}

/// Runs `mu` from `(w, h)`. With `update_h = false` only `W` moves (transform).
/// With `sketch` (Frobenius only) the big products come from it.
#[allow(clippy::too_many_arguments)]
pub fn run_mu(
    x: &[f32],
    sketch: Option<&Sketch>,
    n: usize,
    d: usize,
    k: usize,
    w: &mut [f32],
    h: &mut [f32],
    p: &NmfParams,
    (l1_w, l1_h, l2_w, l2_h): (f32, f32, f32, f32),
    update_h: bool,
    start: Instant,
    trace: &mut Vec<(usize, f64, f64)>,
) -> (usize, f64) {
    let loss = p.beta_loss;
    // Frobenius: `H` is kept transposed (`Ht`, `d×k`) and, when `H` moves, a
    // transposed copy of `X` (`d×n`) is kept too, so that every product is a
    // plain row-major `A·B`: faer's fastest layout here (`Wᵀ X` in place runs
    // at about 70% of the rate of `Xᵀ`·`W` from a stored `Xᵀ`). `h` then only
    // receives `Ht`'s transpose when the error is measured, and at the end.
    let frob = loss == BetaLoss::Frobenius;
    debug_assert!(
        frob || sketch.is_none(),
        "a sketch needs the Frobenius loss"
    );
    let mut scratch = Vec::new();
    let xt = if frob && update_h && sketch.is_none() {
        transpose(x, n, d)
    } else {
        Vec::new()
    };
    let mut ht = if frob { transpose(h, k, d) } else { Vec::new() };
    let mut buf = Vec::new();
    let mut num_w = vec![0.0f32; n * k];
    let mut den_w = vec![0.0f32; n * k];
    let mut num_h = vec![0.0f32; k * d];
    let mut den_h = vec![0.0f32; k * d];
    let mut hht = vec![0.0f32; k * k];
    let mut wtw = vec![0.0f32; k * k];
    // Frobenius without a trace: the stopping rule's errors come from the
    // next W update's products (see `FrobeniusCheck`); `fresh` says that
    // `num_w` and `hht` already hold `X Hᵀ` and `H Hᵀ` of the current `H`.
    let check = (frob && !p.trace).then(|| FrobeniusCheck {
        xnorm2: super::linalg::sum_sq(x),
    });
    let mut fresh = check.is_some();
    let error_at_init = match &check {
        Some(c) => c.error(
            x,
            (w, &ht, h),
            (n, d, k),
            (&mut num_w, &mut hht, &mut wtw),
            &mut buf,
        ),
        None => error(x, w, h, n, k, d, loss, &mut buf),
    };
    let mut previous_error = error_at_init;
    let pb = progress_bar(p.progress && p.max_iter >= 50, p.max_iter, "nmf mu");
    let mut n_iter = 0;
    let mut last_error = f64::NAN;
    for it in 1..=p.max_iter {
        n_iter = it;
        // W update.
        match loss {
            BetaLoss::Frobenius => {
                if !fresh {
                    match sketch {
                        Some(s) => {
                            s.x_ht(&ht, k, &mut num_w, &mut scratch);
                            clamp_negative(&mut num_w);
                        }
                        None => gemm(&mut num_w, x, (n, d), false, &ht, (d, k), false, false),
                    }
                    gram(&mut hht, &ht, d, k);
                }
                fresh = false;
                gemm(&mut den_w, w, (n, k), false, &hht, (k, k), false, false);
            }
            BetaLoss::KullbackLeibler => {
                ratio(x, w, h, n, k, d, &mut buf);
                gemm(&mut num_w, &buf, (n, d), false, h, (k, d), true, false);
                let hsum: Vec<f32> = h.chunks(d).map(|r| r.iter().sum()).collect();
                for row in den_w.chunks_mut(k) {
                    row.copy_from_slice(&hsum);
                }
            }
        }
        apply_update(w, &num_w, &den_w, l1_w, l2_w);
        if update_h {
            match loss {
                BetaLoss::Frobenius => {
                    // Ht ← Ht ∘ (Xᵀ W) / (Ht WᵀW): scikit-learn's update, transposed.
                    match sketch {
                        Some(s) => {
                            s.xt_w(w, k, &mut num_h, &mut scratch);
                            clamp_negative(&mut num_h);
                        }
                        None => gemm(&mut num_h, &xt, (d, n), false, w, (n, k), false, false),
                    }
                    gram(&mut wtw, w, n, k);
                    gemm(&mut den_h, &ht, (d, k), false, &wtw, (k, k), false, false);
                    apply_update(&mut ht, &num_h, &den_h, l1_h, l2_h);
                }
                BetaLoss::KullbackLeibler => {
                    ratio(x, w, h, n, k, d, &mut buf);
                    gemm(&mut num_h, w, (n, k), true, &buf, (n, d), false, false);
                    let mut wsum = vec![0.0f32; k];
                    for row in w.chunks(k) {
                        for (s, &v) in wsum.iter_mut().zip(row) {
                            *s += v;
                        }
                    }
                    for s in wsum.iter_mut() {
                        if *s == 0.0 {
                            *s = 1.0;
                        }
                    }
                    for (t, row) in den_h.chunks_mut(d).enumerate() {
                        row.fill(wsum[t]);
                    }
                    apply_update(h, &num_h, &den_h, l1_h, l2_h);
                    // scikit-learn: H[H < float64 eps] = 0 for beta ≤ 1.
                    for v in h.iter_mut() {
                        if (*v as f64) < f64::EPSILON {
                            *v = 0.0;
                        }
                    }
                }
            }
        }
        if frob && p.trace {
            transpose_into(h, &ht, d, k);
        }
        if p.trace {
            let e = error(x, w, h, n, k, d, loss, &mut buf);
            trace.push((it, start.elapsed().as_secs_f64(), e));
            last_error = e;
            if p.stop_at.is_some_and(|t| e <= t) {
                break;
            }
        }
        pb.inc(1);
        if p.tol > 0.0 && it % 10 == 0 {
            let e = match &check {
                _ if p.trace => last_error,
                Some(c) => {
                    fresh = true;
                    let products = (&mut num_w[..], &mut hht[..], &mut wtw[..]);
                    c.error(x, (w, &ht, h), (n, d, k), products, &mut buf)
                }
                None => error(x, w, h, n, k, d, loss, &mut buf),
            };
            pb.set_message(format!("error {e:.4}"));
            if (previous_error - e) / error_at_init < p.tol {
                break;
            }
            previous_error = e;
        }
    }
    pb.finish_and_clear();
    if frob {
        transpose_into(h, &ht, d, k);
    }
    let final_error = error(x, w, h, n, k, d, loss, &mut buf);
    (n_iter, final_error)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_mu(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    mut w: Vec<f32>,
    mut h: Vec<f32>,
    p: &NmfParams,
    reg: (f32, f32, f32, f32),
    sketch: Option<Sketch>,
    start: Instant,
) -> Result<NmfFit, NmfError> {
    let mut trace = Vec::new();
    let (n_iter, err) = run_mu(
        x,
        sketch.as_ref(),
        n,
        d,
        k,
        &mut w,
        &mut h,
        p,
        reg,
        true,
        start,
        &mut trace,
    );
    let xnorm = super::linalg::sum_sq(x).sqrt();
    let rel_error = match p.beta_loss {
        BetaLoss::Frobenius => err / xnorm,
        BetaLoss::KullbackLeibler => {
            let mut buf = Vec::new();
            residual_sq(x, &w, &h, n, k, d, &mut buf).sqrt() / xnorm
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nmf::rng::Rng;

    /// The expanded error equals `‖X − WH‖` summed in f64 from the f64
    /// product, and leaves `X Hᵀ` and `H Hᵀ` as the next update computes them.
    #[test]
    fn the_expanded_error_is_the_residual() {
        let (n, d, k) = (300, 700, 12);
        let mut rng = Rng::new(3);
        let mut v = |len: usize| -> Vec<f32> { (0..len).map(|_| rng.uniform() as f32).collect() };
        let (x, w, ht) = (v(n * d), v(n * k), v(d * k));
        let check = FrobeniusCheck {
            xnorm2: super::super::linalg::sum_sq(&x),
        };
        let (mut num_w, mut hht, mut wtw) = (vec![0.0; n * k], vec![0.0; k * k], vec![0.0; k * k]);
        let mut h = vec![0.0; k * d];
        let products = (&mut num_w[..], &mut hht[..], &mut wtw[..]);
        let e = check.error(&x, (&w, &ht, &mut h), (n, d, k), products, &mut Vec::new());
        let want: f64 = (0..n * d)
            .map(|e| {
                let (i, c) = (e / d, e % d);
                let wh: f64 = (0..k)
                    .map(|t| w[i * k + t] as f64 * ht[c * k + t] as f64)
                    .sum();
                (x[e] as f64 - wh).powi(2)
            })
            .sum::<f64>()
            .sqrt();
        assert!((e - want).abs() <= 1e-6 * want, "{e} vs {want}");
        let mut want_num = vec![0.0; n * k];
        gemm(&mut want_num, &x, (n, d), false, &ht, (d, k), false, false);
        assert_eq!(num_w, want_num);
        let mut want_hht = vec![0.0; k * k];
        gram(&mut want_hht, &ht, d, k);
        assert_eq!(hht, want_hht);
    }
}
