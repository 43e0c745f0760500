//! Starting factors, as scikit-learn's `_initialize_nmf` makes them.

use super::linalg::transpose;
use super::rng::Rng;
use super::sketch::{range_finder, truncated_svd, Sketch};
use super::{check_non_negative, Init, NmfError};

/// Returns `(W, H)` (`n×k`, `k×d`) for `init`. The SVD-based inits take
/// their SVD from `sketch` when one is given (rank at least `k`), else from
/// scikit-learn's `randomized_svd` (`k + 10` columns, 4 or 7 power
/// iterations).
pub fn initialize(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    init: &Init,
    seed: u64,
    sketch: Option<&Sketch>,
) -> Result<(Vec<f32>, Vec<f32>), NmfError> {
    if k > n.min(d) {
        return Err(NmfError::TooManyComponents {
            k,
            max: n.min(d),
            init: name(init),
        });
    }
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / x.len() as f64;
    match init {
        Init::Random => {
            let mut rng = Rng::new(seed);
            let avg = (mean / k as f64).sqrt();
            // scikit-learn draws H first, then W.
            let h = (0..k * d)
                .map(|_| (avg * rng.normal()).abs() as f32)
                .collect();
            let w = (0..n * k)
                .map(|_| (avg * rng.normal()).abs() as f32)
                .collect();
            Ok((w, h))
        }
        Init::Custom { w, h } => {
            if w.len() != n * k || h.len() != k * d {
                return Err(NmfError::Shape(format!(
                    "custom init: W has {} values (expected {n}×{k}), H has {} (expected {k}×{d})",
                    w.len(),
                    h.len()
                )));
            }
            check_non_negative(w)?;
            check_non_negative(h)?;
            if w.iter().all(|&v| v == 0.0) || h.iter().all(|&v| v == 0.0) {
                return Err(NmfError::Invalid("custom init: W or H is all zeros".into()));
            }
            Ok((w.clone(), h.clone()))
        }
        Init::Nndsvd | Init::Nndsvda | Init::Nndsvdar => {
            let (mut w, mut h) = nndsvd(x, n, d, k, seed, sketch);
            match init {
                Init::Nndsvda => {
                    for v in w.iter_mut().chain(h.iter_mut()) {
                        if *v == 0.0 {
                            *v = mean as f32;
                        }
                    }
                }
                Init::Nndsvdar => {
                    let mut rng = Rng::new(seed ^ 0x5EED);
                    for v in w.iter_mut() {
                        if *v == 0.0 {
                            *v = (mean * rng.normal() / 100.0).abs() as f32;
                        }
                    }
                    for v in h.iter_mut() {
                        if *v == 0.0 {
                            *v = (mean * rng.normal() / 100.0).abs() as f32;
                        }
                    }
                }
                _ => {}
            }
            Ok((w, h))
        }
    }
}

fn name(init: &Init) -> &'static str {
    match init {
        Init::Random => "random",
        Init::Nndsvd => "nndsvd",
        Init::Nndsvda => "nndsvda",
        Init::Nndsvdar => "nndsvdar",
        Init::Custom { .. } => "custom",
    }
}

/// Randomised truncated SVD (Halko et al., as scikit-learn's `randomized_svd`):
/// returns `(U n×k, S k, Vt k×d)`.
pub fn randomized_svd(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    seed: u64,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let l = (k + 10).min(n.min(d));
    let n_iter = if (k as f64) < 0.1 * n.min(d) as f64 {
        7
    } else {
        4
    };
    let xt = transpose(x, n, d);
    let (q, bt) = range_finder(x, &xt, n, d, l, n_iter, seed);
    truncated_svd(&q, &bt, n, d, l, k)
}

/// NNDSVD factors with zeros kept (values below 1e-6 set to 0), from the
/// randomised SVD of `X`, or from the SVD of a sketch already made.
fn nndsvd(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    seed: u64,
    sketch: Option<&Sketch>,
) -> (Vec<f32>, Vec<f32>) {
    let (u, s, vt) = match sketch {
        Some(sk) => sk.svd(k),
        None => randomized_svd(x, n, d, k, seed),
    };
    let mut w = vec![0.0f32; n * k];
    let mut h = vec![0.0f32; k * d];
    for j in 0..k {
        let xcol: Vec<f64> = (0..n).map(|i| u[i * k + j]).collect();
        let yrow = &vt[j * d..(j + 1) * d];
        if j == 0 {
            let r = s[0].sqrt();
            for i in 0..n {
                w[i * k] = (r * xcol[i].abs()) as f32;
            }
            for c in 0..d {
                h[c] = (r * yrow[c].abs()) as f32;
            }
            continue;
        }
        let nrm = |v: &mut dyn Iterator<Item = f64>| v.map(|a| a * a).sum::<f64>().sqrt();
        let xp = nrm(&mut xcol.iter().map(|&a| a.max(0.0)));
        let xn = nrm(&mut xcol.iter().map(|&a| (-a).max(0.0)));
        let yp = nrm(&mut yrow.iter().map(|&a| a.max(0.0)));
        let yn = nrm(&mut yrow.iter().map(|&a| (-a).max(0.0)));
        let (mp, mn) = (xp * yp, xn * yn);
        let (sign, xnrm, ynrm, sigma) = if mp > mn {
            (1.0, xp, yp, mp)
        } else {
            (-1.0, xn, yn, mn)
        };
        let lbd = (s[j] * sigma).sqrt();
        if xnrm > 0.0 && ynrm > 0.0 {
            for i in 0..n {
                w[i * k + j] = (lbd * (sign * xcol[i]).max(0.0) / xnrm) as f32;
            }
            for c in 0..d {
                h[j * d + c] = (lbd * (sign * yrow[c]).max(0.0) / ynrm) as f32;
            }
        }
    }
    for v in w.iter_mut().chain(h.iter_mut()) {
        if *v < 1e-6 {
            *v = 0.0;
        }
    }
    (w, h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nmf::linalg::gemm64;
    use faer::MatRef;

    /// The randomised SVD against faer's exact SVD in f64, on a seeded
    /// matrix with a decaying spectrum (low rank plus noise, like faces).
    #[test]
    fn randomized_svd_matches_the_exact_svd() {
        let mut rng = Rng::new(11);
        let (n, d, rank, k) = (150, 400, 60, 20);
        let a: Vec<f64> = (0..n * rank).map(|_| rng.normal()).collect();
        let b: Vec<f64> = (0..rank * d).map(|_| rng.normal()).collect();
        let mut x64 = vec![0.0f64; n * d];
        // Column t of A scaled by 0.85^t: singular values decay geometrically.
        let a: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(i, &v)| v * 0.95f64.powi((i % rank) as i32))
            .collect();
        gemm64(&mut x64, &a, (n, rank), false, &b, (rank, d), false, false);
        let x: Vec<f32> = x64
            .iter()
            .map(|&v| (v + 1e-3 * rng.normal()) as f32)
            .collect();
        let exact_in: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let exact = MatRef::from_row_major_slice(&exact_in, n, d)
            .thin_svd()
            .unwrap();
        let (u, s, vt) = randomized_svd(&x, n, d, k, 5);
        for j in 0..k {
            let se = exact.S().column_vector()[j];
            assert!(((s[j] - se) / se).abs() < 2e-5, "σ{j}: {} vs {se}", s[j]);
            // Same singular vectors up to sign.
            let du: f64 = (0..n).map(|i| u[i * k + j] * exact.U()[(i, j)]).sum();
            let dv: f64 = (0..d).map(|c| vt[j * d + c] * exact.V()[(c, j)]).sum();
            assert!(du.abs() > 1.0 - 2e-5, "u{j}: |cos| = {}", du.abs());
            assert!(dv.abs() > 1.0 - 2e-5, "v{j}: |cos| = {}", dv.abs());
        }
    }
}
