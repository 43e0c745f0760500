//! Starting factors, as scikit-learn's `_initialize_nmf` makes them.

use super::linalg::{gemm, gemm64, transpose};
use super::rng::Rng;
use super::{check_non_negative, Init, NmfError};
use faer::{Mat, MatRef};

/// Returns `(W, H)` (`n×k`, `k×d`) for `init`.
pub fn initialize(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    init: &Init,
    seed: u64,
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
            let (mut w, mut h) = nndsvd(x, n, d, k, seed);
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

/// Orthonormal basis (thin Q of a QR) of the columns of an `r×c` row-major f32 matrix, as f64 row-major.
fn orth(a: &[f32], r: usize, c: usize) -> Vec<f32> {
    let m = Mat::<f64>::from_fn(r, c, |i, j| a[i * c + j] as f64);
    let q = m.qr().compute_thin_Q();
    let mut out = vec![0.0f32; r * c];
    for i in 0..r {
        for j in 0..c {
            out[i * c + j] = q[(i, j)] as f32;
        }
    }
    out
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
    let mut rng = Rng::new(seed);
    let omega: Vec<f32> = (0..d * l).map(|_| rng.normal() as f32).collect();
    let mut y = vec![0.0f32; n * l];
    gemm(&mut y, x, (n, d), false, &omega, (d, l), false, false);
    // Xᵀ stored (`d×n`): `Xᵀ Q` is then a plain row-major product, which
    // faer runs markedly faster than `X` entering transposed.
    let xt = transpose(x, n, d);
    let mut z = vec![0.0f32; d * l];
    for _ in 0..n_iter {
        let q = orth(&y, n, l);
        gemm(&mut z, &xt, (d, n), false, &q, (n, l), false, false);
        let qz = orth(&z, d, l);
        gemm(&mut y, x, (n, d), false, &qz, (d, l), false, false);
    }
    let q = orth(&y, n, l);
    // B = Qᵀ X (l×d), built as Bᵀ = Xᵀ Q (d×l), its SVD in f64.
    let mut bt = vec![0.0f32; d * l];
    gemm(&mut bt, &xt, (d, n), false, &q, (n, l), false, false);
    let mut b64 = vec![0.0f64; l * d];
    for (c, row) in bt.chunks(l).enumerate() {
        for (i, &v) in row.iter().enumerate() {
            b64[i * d + c] = v as f64;
        }
    }
    let bm = MatRef::from_row_major_slice(&b64, l, d);
    let svd = bm.thin_svd().expect("SVD of the sketch converged");
    let (ub, s, v) = (svd.U(), svd.S().column_vector(), svd.V());
    let q64: Vec<f64> = q.iter().map(|&v| v as f64).collect();
    let ubk: Vec<f64> = (0..l)
        .flat_map(|i| (0..k).map(move |j| (i, j)))
        .map(|(i, j)| ub[(i, j)])
        .collect();
    let mut u = vec![0.0f64; n * k];
    gemm64(&mut u, &q64, (n, l), false, &ubk, (l, k), false, false);
    let sv: Vec<f64> = (0..k).map(|j| s[j]).collect();
    let vt: Vec<f64> = (0..k)
        .flat_map(|j| (0..d).map(move |c| (j, c)))
        .map(|(j, c)| v[(c, j)])
        .collect();
    (u, sv, vt)
}

/// NNDSVD factors with zeros kept (values below 1e-6 set to 0).
fn nndsvd(x: &[f32], n: usize, d: usize, k: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let (u, s, vt) = randomized_svd(x, n, d, k, seed);
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
