//! Starting factors, as scikit-learn's `_initialize_nmf` makes them.

use super::linalg::{gemm, gemm64, par, transpose};
use super::rng::Rng;
use super::{check_non_negative, Init, NmfError};
use faer::{Mat, MatMut, MatRef};

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

/// Orthonormal basis of the columns of an `r×c` row-major f32 matrix (the
/// range finder's normaliser; any basis of the same span gives the same SVD).
///
/// Cholesky QR done twice in f64 (`CholQR2`: Gram, Cholesky, triangular
/// solve; orthogonal to f64 rounding while the condition number is below
/// about 1e8), which costs a small fraction of a Householder QR of the tall
/// matrix. Falls back to Householder when the Gram is not numerically
/// positive definite (rank-deficient data) or its conditioning is too poor
/// for the Cholesky route (diagonal of R spread beyond 1e6).
fn orth(a: &[f32], r: usize, c: usize) -> Vec<f32> {
    let mut q: Vec<f64> = a.iter().map(|&v| v as f64).collect();
    if chol_qr(&mut q, r, c) && chol_qr(&mut q, r, c) {
        return q.iter().map(|&v| v as f32).collect();
    }
    householder_q(a, r, c)
}

/// One Cholesky QR step in place (`a ← a R⁻¹`, `RᵀR = aᵀa`); `false` (and
/// `a` unspecified) when the Cholesky factorisation fails or is too poorly
/// conditioned.
fn chol_qr(a: &mut [f64], r: usize, c: usize) -> bool {
    let mut g = vec![0.0f64; c * c];
    gemm64(&mut g, a, (r, c), true, a, (r, c), false, false);
    let Ok(llt) = MatRef::from_row_major_slice(&g, c, c).llt(faer::Side::Lower) else {
        return false;
    };
    let l = llt.L();
    let diag = (0..c).map(|j| l[(j, j)]);
    let (lo, hi) = diag.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    // (NaN fails this too.)
    let well_conditioned = lo > 1e-6 * hi;
    if !well_conditioned {
        return false;
    }
    // Q Lᵀ = A  ⇔  L Qᵀ = Aᵀ: one lower-triangular solve on Aᵀ's view.
    let am = MatMut::from_row_major_slice_mut(a, r, c);
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(l, am.transpose_mut(), par());
    true
}

/// Thin Q of a Householder QR in f64 (the fallback of [`orth`]).
fn householder_q(a: &[f32], r: usize, c: usize) -> Vec<f32> {
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
    // Each pass applies `X Xᵀ` and orthonormalises once, on the short side
    // (`n×l`, where the Gram is cheap); scikit-learn normalises with an LU
    // (not orthonormal either) after each product. Between normalisations
    // the spread of `Y`'s columns is at most `(σ₁/σₗ)²`, well inside what
    // Cholesky QR in f64 handles (see [`orth`]).
    let mut z = vec![0.0f32; d * l];
    for _ in 0..n_iter {
        let q = orth(&y, n, l);
        gemm(&mut z, &xt, (d, n), false, &q, (n, l), false, false);
        gemm(&mut y, x, (n, d), false, &z, (d, l), false, false);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `‖QᵀQ − I‖_max` of an `r×c` row-major matrix.
    fn orthogonality_gap(q: &[f32], r: usize, c: usize) -> f64 {
        let mut gap = 0.0f64;
        for a in 0..c {
            for b in 0..c {
                let dot: f64 = (0..r)
                    .map(|i| q[i * c + a] as f64 * q[i * c + b] as f64)
                    .sum();
                gap = gap.max((dot - if a == b { 1.0 } else { 0.0 }).abs());
            }
        }
        gap
    }

    #[test]
    fn orth_is_orthonormal_also_when_cholesky_qr_cannot_be_used() {
        let mut rng = Rng::new(3);
        let (r, c) = (300, 12);
        let full: Vec<f32> = (0..r * c).map(|_| rng.normal() as f32).collect();
        // Rank 4: columns 4.. repeat the first four (singular Gram), so the
        // Householder fallback runs.
        let mut low = full.clone();
        for i in 0..r {
            for j in 4..c {
                low[i * c + j] = low[i * c + j % 4];
            }
        }
        // Graded columns (spread 1e9): beyond Cholesky QR's reach, fallback too.
        let graded: Vec<f32> = full
            .iter()
            .enumerate()
            .map(|(i, &v)| v * 10f32.powf(-((i % c) as f32) * 9.0 / (c as f32 - 1.0)))
            .collect();
        // Graded by 5e5: still Cholesky QR's.
        let graded2: Vec<f32> = full
            .iter()
            .enumerate()
            .map(|(i, &v)| v * 10f32.powf(-((i % c) as f32) * 5.7 / (c as f32 - 1.0)))
            .collect();
        for (name, a) in [
            ("full rank", &full),
            ("rank 4", &low),
            ("graded 1e9", &graded),
            ("graded 5e5", &graded2),
        ] {
            let q = orth(a, r, c);
            let gap = orthogonality_gap(&q, r, c);
            assert!(gap < 1e-6, "{name}: ‖QᵀQ − I‖ = {gap:e}");
        }
        // Same span: projecting `full` on Q loses nothing.
        let q = orth(&full, r, c);
        for j in 0..c {
            let col: Vec<f64> = (0..r).map(|i| full[i * c + j] as f64).collect();
            let proj: Vec<f64> = (0..c)
                .map(|t| (0..r).map(|i| q[i * c + t] as f64 * col[i]).sum())
                .collect();
            let rest: f64 = (0..r)
                .map(|i| col[i] - (0..c).map(|t| q[i * c + t] as f64 * proj[t]).sum::<f64>())
                .map(|v| v * v)
                .sum::<f64>()
                .sqrt();
            let norm = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            assert!(rest < 1e-5 * norm, "column {j} not in the span: {rest:e}");
        }
    }

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
