//! A randomised sketch of `X` (Halko, Martinsson & Tropp 2011): an
//! orthonormal `Q` (`n×l`) whose span holds most of `X`'s columns, and
//! `B = Qᵀ X` (`l×d`), so that `X ≈ Q B`.
//!
//! Two users: the randomised SVD of the init (scikit-learn's
//! `randomized_svd`, `l = k + 10`), and HALS on a sketch (Erichson et al.
//! 2018, "Randomized nonnegative matrix factorization"): the products
//! `X Hᵀ = Q (B Hᵀ)` and `Xᵀ W = Bᵀ (Qᵀ W)` then cost `l (n + d) k`
//! multiply-adds instead of `n d k`.
//!
//! Accuracy: `‖X − Q B‖` is close to the best rank-`l` error (the
//! `(l+1)`-th singular value and beyond) after a few power iterations;
//! [`Sketch::error`] reports it exactly.

use super::linalg::{gemm, gemm64, gram64, par, residual_sq, sum_sq, transpose};
use super::rng::Rng;
use faer::{Mat, MatMut, MatRef};

/// Power iterations of the sketch [`super::NmfParams::sketch`] asks for
/// (Erichson et al. use 2; on LFW at `l = 2k` the sketched HALS fit then
/// follows the exact one's loss to within 0.1% over 60 iterations).
pub const POWER_ITER: usize = 2;

/// `X ≈ Q B`, with `Bᵀ` kept for the row-major products.
#[derive(Debug, Clone)]
pub struct Sketch {
    /// `n×l`, orthonormal columns.
    pub q: Vec<f32>,
    /// `l×d`.
    pub b: Vec<f32>,
    /// `d×l` (`Bᵀ`, stored).
    pub bt: Vec<f32>,
    /// Rows of `X`.
    pub n: usize,
    /// Columns of `X`.
    pub d: usize,
    /// Rank of the sketch.
    pub l: usize,
    /// `Q`'s columns are the left singular vectors of `Q B` and `B`'s rows
    /// `σᵢ vᵢᵀ`, by decreasing `σ` (a [`RankedSketch::leading`] part): its
    /// SVD is then read off instead of computed (see [`Sketch::svd`]).
    pub singular: bool,
}

impl Sketch {
    /// Sketches `X` (`n×d`, `xt` its stored transpose) with `l` columns and
    /// `power_iter` power iterations (`l` is capped at `min(n, d)`).
    pub fn new(
        x: &[f32],
        xt: &[f32],
        n: usize,
        d: usize,
        l: usize,
        power_iter: usize,
        seed: u64,
    ) -> Self {
        let l = l.min(n.min(d));
        let (q, bt) = range_finder(x, xt, n, d, l, power_iter, seed);
        let b = transpose(&bt, d, l);
        Sketch {
            q,
            b,
            bt,
            n,
            d,
            l,
            singular: false,
        }
    }

    /// The rank-`k` SVD of `Q B` in f64, `(U n×k, S k, Vᵀ k×d)`: read off
    /// `Q` and `B` when [`Sketch::singular`] (equal to [`truncated_svd`]'s up
    /// to the f32 rounding of the stored factors and the signs of singular
    /// pairs), else [`truncated_svd`]. `k ≤ l`.
    pub fn svd(&self, k: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        if !self.singular {
            return truncated_svd(&self.q, &self.bt, self.n, self.d, self.l, k);
        }
        let (l, d) = (self.l, self.d);
        let u = self
            .q
            .chunks(l)
            .flat_map(|row| row[..k].iter().map(|&v| v as f64))
            .collect();
        let rows = self.b.chunks(d).take(k);
        let s: Vec<f64> = rows.clone().map(|r| sum_sq(r).sqrt()).collect();
        let vt = rows
            .zip(&s)
            .flat_map(|(r, &sv)| {
                r.iter()
                    .map(move |&v| if sv > 0.0 { v as f64 / sv } else { 0.0 })
            })
            .collect();
        (u, s, vt)
    }

    /// `out (n×k) = Q (B Ht)`, `Ht` being `d×k`.
    pub fn x_ht(&self, ht: &[f32], k: usize, out: &mut [f32], scratch: &mut Vec<f32>) {
        scratch.resize(self.l * k, 0.0);
        gemm(
            scratch,
            &self.b,
            (self.l, self.d),
            false,
            ht,
            (self.d, k),
            false,
            false,
        );
        gemm(
            out,
            &self.q,
            (self.n, self.l),
            false,
            scratch,
            (self.l, k),
            false,
            false,
        );
    }

    /// `out (d×k) = Bᵀ (Qᵀ W)`, `W` being `n×k`.
    pub fn xt_w(&self, w: &[f32], k: usize, out: &mut [f32], scratch: &mut Vec<f32>) {
        scratch.resize(self.l * k, 0.0);
        gemm(
            scratch,
            &self.q,
            (self.n, self.l),
            true,
            w,
            (self.n, k),
            false,
            false,
        );
        gemm(
            out,
            &self.bt,
            (self.d, self.l),
            false,
            scratch,
            (self.l, k),
            false,
            false,
        );
    }

    /// `‖Q B‖²_F = ‖B‖²_F` (`Q` orthonormal).
    pub fn norm_sq(&self) -> f64 {
        sum_sq(&self.b)
    }

    /// `‖X − Q B‖_F / ‖X‖_F` (one product of `X`'s size).
    pub fn error(&self, x: &[f32]) -> f64 {
        let mut buf = Vec::new();
        let diff = residual_sq(x, &self.q, &self.b, self.n, self.l, self.d, &mut buf);
        (diff / sum_sq(x)).sqrt()
    }
}

/// A sketch turned to its singular vectors (`Q = U`, `B = S Vᵀ`, columns by
/// decreasing singular value), so that its leading `r` columns are its best
/// rank-`r` part: one range finder at the largest rank serves every smaller
/// one (a sweep over component counts makes one per protocol instead of one
/// per fit). The leading part is at least as close to `X` as a range finder
/// of rank `r` with the same power iterations (its oversampling is `l − r`).
#[derive(Debug, Clone)]
pub struct RankedSketch {
    /// `n×l`, the left singular vectors of the sketch.
    u: Vec<f32>,
    /// `l×d`, `S Vᵀ`.
    svt: Vec<f32>,
    n: usize,
    d: usize,
    l: usize,
}

impl RankedSketch {
    /// Sketches `X` (`n×d`) at rank `l` (capped at `min(n, d)`) and turns
    /// the sketch to its SVD.
    pub fn new(x: &[f32], n: usize, d: usize, l: usize, power_iter: usize, seed: u64) -> Self {
        let xt = transpose(x, n, d);
        let sk = Sketch::new(x, &xt, n, d, l, power_iter, seed);
        let l = sk.l;
        let (u, s, vt) = truncated_svd(&sk.q, &sk.bt, n, d, l, l);
        let svt = vt
            .chunks(d)
            .zip(&s)
            .flat_map(|(row, &sv)| row.iter().map(move |&v| (sv * v) as f32))
            .collect();
        RankedSketch {
            u: u.iter().map(|&v| v as f32).collect(),
            svt,
            n,
            d,
            l,
        }
    }

    /// Rank of the whole sketch.
    pub fn rank(&self) -> usize {
        self.l
    }

    /// The best rank-`r` part (`r` capped at [`Self::rank`]).
    pub fn leading(&self, r: usize) -> Sketch {
        let (n, d, r) = (self.n, self.d, r.min(self.l));
        let q = self
            .u
            .chunks(self.l)
            .flat_map(|row| &row[..r])
            .copied()
            .collect();
        let b = self.svt[..r * d].to_vec();
        let bt = transpose(&b, r, d);
        Sketch {
            q,
            b,
            bt,
            n,
            d,
            l: r,
            singular: true,
        }
    }
}

/// Halko's randomised range finder: `Q` (`n×l`, orthonormal) spanning
/// `(X Xᵀ)^power_iter X Ω` for a seeded Gaussian `Ω` (`d×l`), and
/// `Bᵀ = Xᵀ Q` (`d×l`). `xt` is `X` stored transposed (`d×n`): `Xᵀ Q` is
/// then a plain row-major product, which faer runs markedly faster than `X`
/// entering transposed.
///
/// Each pass applies `X Xᵀ` and orthonormalises once, on the short side
/// (`n×l`, where the Gram is cheap); scikit-learn normalises with an LU (not
/// orthonormal either) after each product. Between normalisations the spread
/// of `Y`'s columns is at most `(σ₁/σₗ)²`, within what Cholesky QR in f64
/// handles for the init's `l = k + 10`; wider spreads (large `l` on noisy
/// data) take [`orth`]'s Householder fallback.
pub fn range_finder(
    x: &[f32],
    xt: &[f32],
    n: usize,
    d: usize,
    l: usize,
    power_iter: usize,
    seed: u64,
) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let omega: Vec<f32> = (0..d * l).map(|_| rng.normal() as f32).collect();
    let mut y = vec![0.0f32; n * l];
    gemm(&mut y, x, (n, d), false, &omega, (d, l), false, false);
    let mut z = vec![0.0f32; d * l];
    for _ in 0..power_iter {
        let q = orth(&y, n, l);
        gemm(&mut z, xt, (d, n), false, &q, (n, l), false, false);
        gemm(&mut y, x, (n, d), false, &z, (d, l), false, false);
    }
    let q = orth(&y, n, l);
    let mut bt = vec![0.0f32; d * l];
    gemm(&mut bt, xt, (d, n), false, &q, (n, l), false, false);
    (q, bt)
}

/// The rank-`k` SVD of `Q B` (`Q` `n×l`, `Bᵀ` `d×l`), in f64: `B = Ub S Vᵀ`
/// (faer's thin SVD of the small `l×d` matrix), `U = Q Ub`. Returns
/// `(U n×k, S k, Vᵀ k×d)`.
pub fn truncated_svd(
    q: &[f32],
    bt: &[f32],
    n: usize,
    d: usize,
    l: usize,
    k: usize,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
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

/// Orthonormal basis of the columns of an `r×c` row-major f32 matrix (the
/// range finder's normaliser; any basis of the same span gives the same SVD).
///
/// Cholesky QR done twice in f64 (`CholQR2`: Gram, Cholesky, triangular
/// solve; orthogonal to f64 rounding while the condition number is below
/// about 1e8), which costs a small fraction of a Householder QR of the tall
/// matrix. Falls back to Householder when the Gram is not numerically
/// positive definite (rank-deficient data) or its conditioning is too poor
/// for the Cholesky route (diagonal of R spread beyond 1e6).
pub fn orth(a: &[f32], r: usize, c: usize) -> Vec<f32> {
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
    let g = gram64(a, (r, c));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded `n×d` matrix of rank `r` (products of Gaussian factors).
    fn low_rank(n: usize, d: usize, r: usize, seed: u64) -> Vec<f32> {
        let mut rng = Rng::new(seed);
        let a: Vec<f64> = (0..n * r).map(|_| rng.normal()).collect();
        let b: Vec<f64> = (0..r * d).map(|_| rng.normal()).collect();
        (0..n * d)
            .map(|ij| {
                let (i, j) = (ij / d, ij % d);
                (0..r).map(|t| a[i * r + t] * b[t * d + j]).sum::<f64>() as f32
            })
            .collect()
    }

    /// `a (r×m) · b (m×c)` in f64 by the definition.
    fn naive(a: &[f32], b: &[f32], r: usize, m: usize, c: usize) -> Vec<f64> {
        (0..r * c)
            .map(|ij| {
                let (i, j) = (ij / c, ij % c);
                (0..m)
                    .map(|t| a[i * m + t] as f64 * b[t * c + j] as f64)
                    .sum()
            })
            .collect()
    }

    fn max_rel_gap(x: &[f32], y: &[f64]) -> f64 {
        let scale = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        x.iter()
            .zip(y)
            .fold(0.0f64, |m, (&a, &b)| m.max((a as f64 - b).abs()))
            / scale
    }

    /// On data of rank `r ≤ l` the sketch holds `X` exactly (to f32
    /// rounding) and its products are `X`'s; on full-rank data a larger
    /// sketch errs less, and a sketch of rank `min(n, d)` errs nothing.
    #[test]
    fn sketch_products_equal_the_data_products() {
        let (n, d, r, k) = (70, 90, 6, 5);
        let x = low_rank(n, d, r, 1);
        let xt = transpose(&x, n, d);
        let sk = Sketch::new(&x, &xt, n, d, 9, 2, 4);
        assert_eq!((sk.q.len(), sk.b.len(), sk.bt.len()), (n * 9, 9 * d, d * 9));
        assert!(sk.error(&x) < 1e-5, "error {:e}", sk.error(&x));
        let mut rng = Rng::new(2);
        let ht: Vec<f32> = (0..d * k).map(|_| rng.uniform() as f32).collect();
        let w: Vec<f32> = (0..n * k).map(|_| rng.uniform() as f32).collect();
        let (mut out, mut scratch) = (vec![0.0f32; n * k], Vec::new());
        sk.x_ht(&ht, k, &mut out, &mut scratch);
        let gap = max_rel_gap(&out, &naive(&x, &ht, n, d, k));
        assert!(gap < 1e-5, "X Ht: {gap:e}");
        let mut out = vec![0.0f32; d * k];
        sk.xt_w(&w, k, &mut out, &mut scratch);
        let gap = max_rel_gap(&out, &naive(&xt, &w, d, n, k));
        assert!(gap < 1e-5, "Xᵀ W: {gap:e}");
        let sum_sq64 = |v: &[f32]| v.iter().map(|&a| a as f64 * a as f64).sum::<f64>();
        assert!((sk.norm_sq() / sum_sq64(&x) - 1.0).abs() < 1e-5);

        let mut full = x.clone();
        for v in full.iter_mut() {
            *v += 0.3 * rng.normal() as f32;
        }
        let ft = transpose(&full, n, d);
        let e = |l: usize| Sketch::new(&full, &ft, n, d, l, 2, 4).error(&full);
        let (e8, e30, e70) = (e(8), e(30), e(70));
        assert!(e8 > e30 && e30 > 1e-3, "{e8} {e30}");
        assert!(e70 < 1e-5, "rank min(n, d): {e70:e}");
        // Asking for more than min(n, d) columns is capped.
        assert_eq!(Sketch::new(&full, &ft, n, d, 500, 1, 4).l, n);
    }

    /// A ranked sketch's leading part: orthonormal, ordered (the leading
    /// rows of `B` carry decreasing norms, the singular values), exact on
    /// data of lower rank, and on full-rank data at most as far from `X` as
    /// a range finder of the same rank (it has more oversampling), its whole
    /// rank equal to the plain sketch's.
    #[test]
    fn a_ranked_sketch_serves_every_smaller_rank() {
        let (n, d) = (80, 110);
        let x = low_rank(n, d, 7, 5);
        let ranked = RankedSketch::new(&x, n, d, 30, 2, 6);
        assert_eq!(ranked.rank(), 30);
        let part = ranked.leading(9);
        assert_eq!((part.l, part.q.len(), part.b.len()), (9, n * 9, 9 * d));
        assert!(orthogonality_gap(&part.q, n, 9) < 1e-5);
        assert!(part.error(&x) < 1e-5, "rank-7 data: {:e}", part.error(&x));
        assert_eq!(part.bt, transpose(&part.b, 9, d));
        let norms: Vec<f64> = part
            .b
            .chunks(d)
            .map(|r| r.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt())
            .collect();
        assert!(
            norms.windows(2).all(|p| p[0] >= p[1] * (1.0 - 1e-5)),
            "{norms:?}"
        );

        let mut rng = Rng::new(8);
        let full: Vec<f32> = x.iter().map(|&v| v + 0.3 * rng.normal() as f32).collect();
        let ft = transpose(&full, n, d);
        let ranked = RankedSketch::new(&full, n, d, 40, 2, 6);
        for r in [5, 12, 25] {
            let lead = ranked.leading(r).error(&full);
            let own = Sketch::new(&full, &ft, n, d, r, 2, 6).error(&full);
            assert!(
                lead <= own * (1.0 + 1e-4),
                "rank {r}: leading {lead} own {own}"
            );
        }
        // Its SVD, read off, is the one computed from its factors.
        let part = ranked.leading(25);
        let (u, s, vt) = part.svd(20);
        let (u2, s2, vt2) = truncated_svd(&part.q, &part.bt, n, d, 25, 20);
        for j in 0..20 {
            assert!(
                (s[j] - s2[j]).abs() <= 1e-5 * s2[0],
                "σ{j}: {} vs {}",
                s[j],
                s2[j]
            );
        }
        let product = |u: &[f64], s: &[f64], vt: &[f64]| -> Vec<f64> {
            (0..n * d)
                .map(|e| {
                    (0..20)
                        .map(|j| u[e / d * 20 + j] * s[j] * vt[j * d + e % d])
                        .sum()
                })
                .collect()
        };
        let (a, b) = (product(&u, &s, &vt), product(&u2, &s2, &vt2));
        let gap = a
            .iter()
            .zip(&b)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f64::max);
        assert!(gap <= 1e-4 * s2[0], "rank-20 parts differ by {gap:e}");
        let whole = ranked.leading(99);
        assert_eq!(whole.l, 40);
        let plain = Sketch::new(&full, &ft, n, d, 40, 2, 6).error(&full);
        assert!((whole.error(&full) - plain).abs() < 1e-4 * plain);
    }

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
}
