//! Fisher linear discriminant analysis on codes, kept as plain data the chip
//! can use: `z = A c + bias` (`A` is `M×K`), then the nearest class mean.

use faer::{MatRef, Side};

/// What an LDA fit refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LdaError {
    /// The input holds a value that is not finite.
    NonFinite,
    /// The eigen-decomposition of the named matrix did not converge.
    Eigen(&'static str),
}

impl core::fmt::Display for LdaError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NonFinite => f.write_str("LDA: the codes hold a value that is not finite"),
            Self::Eigen(what) => {
                write!(f, "LDA: the eigen-decomposition of {what} did not converge")
            }
        }
    }
}

impl std::error::Error for LdaError {}

/// The eigenvectors and eigenvalues of the symmetric `k×k` matrix `a`
/// (row-major), or which matrix failed.
fn eigen(
    a: &[f64],
    k: usize,
    what: &'static str,
) -> Result<faer::linalg::solvers::SelfAdjointEigen<f64>, LdaError> {
    MatRef::from_row_major_slice(a, k, k)
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| LdaError::Eigen(what))
}

/// Per-class counts and means of labelled rows, and each row's deviation
/// from its class mean (f64): what both LDA fits start from.
struct ClassStats {
    counts: Vec<usize>,
    /// `classes×k`; a class without rows has mean 0.
    means: Vec<f64>,
    /// `n×k`: row minus its class mean.
    centred: Vec<f64>,
}

impl ClassStats {
    fn of(x: &[f32], labels: &[u16], k: usize, classes: usize) -> ClassStats {
        let mut counts = vec![0usize; classes];
        let mut means = vec![0.0f64; classes * k];
        for (row, &l) in x.chunks(k).zip(labels) {
            counts[l as usize] += 1;
            for (m, &v) in means[l as usize * k..(l as usize + 1) * k]
                .iter_mut()
                .zip(row)
            {
                *m += v as f64;
            }
        }
        for (c, &cnt) in counts.iter().enumerate() {
            means[c * k..(c + 1) * k]
                .iter_mut()
                .for_each(|m| *m /= cnt.max(1) as f64);
        }
        let mut centred = vec![0.0f64; labels.len() * k];
        for (i, (row, &l)) in x.chunks(k).zip(labels).enumerate() {
            for j in 0..k {
                centred[i * k + j] = row[j] as f64 - means[l as usize * k + j];
            }
        }
        ClassStats {
            counts,
            means,
            centred,
        }
    }
}

/// A fitted LDA map with its class means (the chip's templates).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Lda {
    /// `M×K` map, row-major (`M = min(classes − 1, K)`).
    pub map: Vec<f32>,
    /// `M` offsets (`−A μ`, so the training data is centred).
    pub bias: Vec<f32>,
    /// `classes×M` class means in the mapped space.
    pub templates: Vec<f32>,
    /// Input dimension `K`.
    pub k: usize,
    /// Output dimension `M`.
    pub m: usize,
}

impl Lda {
    /// Fits on `x` (`n×k`) with `labels` in `0..classes`. The within-class
    /// scatter gets `reg · trace/K` added to its diagonal (1e-6 keeps it
    /// invertible without changing the answer).
    pub fn fit(
        x: &[f32],
        labels: &[u16],
        k: usize,
        classes: usize,
        reg: f64,
    ) -> Result<Lda, LdaError> {
        Self::fit_dims(x, labels, k, classes, reg, usize::MAX)
    }

    /// [`Lda::fit`] keeping at most `max_dims` directions (the most
    /// discriminant first): `M = min(classes − 1, K, max_dims)`, at least 1.
    pub fn fit_dims(
        x: &[f32],
        labels: &[u16],
        k: usize,
        classes: usize,
        reg: f64,
        max_dims: usize,
    ) -> Result<Lda, LdaError> {
        if !x.iter().all(|v| v.is_finite()) {
            return Err(LdaError::NonFinite);
        }
        let n = labels.len();
        let ClassStats {
            counts,
            means: cm,
            centred,
        } = ClassStats::of(x, labels, k, classes);
        let mut mean = vec![0.0f64; k];
        for row in x.chunks(k) {
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += v as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        // Within-class scatter.
        let mut sw = crate::nmf::linalg::gram64(&centred, (n, k));
        let tr: f64 = (0..k).map(|j| sw[j * k + j]).sum::<f64>() / k as f64;
        for j in 0..k {
            sw[j * k + j] += reg.max(1e-9) * tr;
        }
        // Between-class scatter.
        let mut sb = vec![0.0f64; k * k];
        for c in 0..classes {
            if counts[c] == 0 {
                continue;
            }
            let dlt: Vec<f64> = (0..k).map(|j| cm[c * k + j] - mean[j]).collect();
            for a in 0..k {
                for b in 0..k {
                    sb[a * k + b] += counts[c] as f64 * dlt[a] * dlt[b];
                }
            }
        }
        // Sw^{-1/2}
        let ev = eigen(&sw, k, "the within-class scatter")?;
        let (u, s) = (ev.U(), ev.S().column_vector());
        let mut wh = vec![0.0f64; k * k];
        for a in 0..k {
            for b in 0..k {
                let mut v = 0.0;
                for t in 0..k {
                    v += u[(a, t)] * u[(b, t)] / s[t].max(1e-300).sqrt();
                }
                wh[a * k + b] = v;
            }
        }
        let mut tmp = vec![0.0f64; k * k];
        let mut mm = vec![0.0f64; k * k];
        crate::nmf::linalg::gemm64(&mut tmp, &wh, (k, k), false, &sb, (k, k), false, false);
        crate::nmf::linalg::gemm64(&mut mm, &tmp, (k, k), false, &wh, (k, k), false, false);
        for a in 0..k {
            for b in 0..a {
                let v = 0.5 * (mm[a * k + b] + mm[b * k + a]);
                mm[a * k + b] = v;
                mm[b * k + a] = v;
            }
        }
        let ev2 = eigen(&mm, k, "the whitened between-class scatter")?;
        let u2 = ev2.U();
        let m = classes.saturating_sub(1).min(k).min(max_dims).max(1);
        // Directions: V = Sw^{-1/2} U2[:, top m], A = Vᵀ.
        let mut map = vec![0.0f32; m * k];
        for r in 0..m {
            let col = k - 1 - r; // eigenvalues ascend
            for j in 0..k {
                let mut v = 0.0;
                for t in 0..k {
                    v += wh[j * k + t] * u2[(t, col)];
                }
                map[r * k + j] = v as f32;
            }
        }
        Ok(Lda::finish(map, &mean, &cm, k, m))
    }

    /// Fits as scikit-learn's `LinearDiscriminantAnalysis(solver='svd', tol)`
    /// does: the within-class deviations are standardised per feature and
    /// decomposed; directions whose singular value (of the standardised
    /// deviations over `sqrt(n − classes)`) is at most `tol` are dropped
    /// instead of ridged; the class means are then whitened and decomposed,
    /// keeping the directions above `tol` times the largest, at most
    /// `classes − 1`. The map is scikit-learn's `transform` (`(x − x̄) ·
    /// scalings`), the templates the mapped class means.
    pub fn fit_svd(
        x: &[f32],
        labels: &[u16],
        k: usize,
        classes: usize,
        tol: f64,
    ) -> Result<Lda, LdaError> {
        if !x.iter().all(|v| v.is_finite()) {
            return Err(LdaError::NonFinite);
        }
        let n = labels.len();
        let ClassStats {
            counts,
            means: cm,
            mut centred,
        } = ClassStats::of(x, labels, k, classes);
        let present = counts.iter().filter(|&&c| c > 0).count();
        // x̄ = priors · means = the mean of all rows.
        let mut mean = vec![0.0f64; k];
        for (c, &cnt) in counts.iter().enumerate() {
            for j in 0..k {
                mean[j] += cnt as f64 / n as f64 * cm[c * k + j];
            }
        }
        let mut std = vec![0.0f64; k];
        for row in centred.chunks(k) {
            for (s, &v) in std.iter_mut().zip(row) {
                *s += v * v;
            }
        }
        std.iter_mut().for_each(|s| {
            *s = (*s / n as f64).sqrt();
            if *s == 0.0 {
                *s = 1.0;
            }
        });
        let fac = 1.0 / (n as f64 - present as f64).max(1.0);
        for row in centred.chunks_mut(k) {
            for (v, s) in row.iter_mut().zip(&std) {
                *v *= fac.sqrt() / s;
            }
        }
        // Right singular vectors and values of the standardised deviations,
        // from the eigen-decomposition of their k×k Gram matrix.
        let g = crate::nmf::linalg::gram64(&centred, (n, k));
        let ev = eigen(&g, k, "the within-class Gram matrix")?;
        let (u, lam) = (ev.U(), ev.S().column_vector());
        let keep: Vec<usize> = (0..k).filter(|&t| lam[t].max(0.0).sqrt() > tol).collect();
        let r = keep.len().max(1);
        // scalings₁ (k×r) = diag(1/std) · V_r / S_r.
        let mut sc1 = vec![0.0f64; k * r];
        for (c, &t) in keep.iter().enumerate() {
            let sv = lam[t].max(0.0).sqrt();
            for j in 0..k {
                sc1[j * r + c] = u[(j, t)] / std[j] / sv;
            }
        }
        // Between-class: rows sqrt(n_c / (C − 1)) (μ_c − x̄) · scalings₁.
        let fac_b = 1.0 / (present as f64 - 1.0).max(1.0);
        let mut xb = vec![0.0f64; classes * r];
        for c in 0..classes {
            if counts[c] == 0 {
                continue;
            }
            let w = (counts[c] as f64 * fac_b).sqrt();
            for col in 0..r {
                xb[c * r + col] = w
                    * (0..k)
                        .map(|j| (cm[c * k + j] - mean[j]) * sc1[j * r + col])
                        .sum::<f64>();
            }
        }
        let gb = crate::nmf::linalg::gram64(&xb, (classes, r));
        let ev2 = eigen(&gb, r, "the between-class matrix")?;
        let (u2, lam2) = (ev2.U(), ev2.S().column_vector());
        let top = lam2[r - 1].max(0.0).sqrt();
        let rank = (0..r)
            .filter(|&t| lam2[t].max(0.0).sqrt() > tol * top)
            .count();
        let m = rank.min(present.saturating_sub(1)).min(k).max(1);
        let mut map = vec![0.0f32; m * k];
        for row in 0..m {
            let col = r - 1 - row; // eigenvalues ascend
            for j in 0..k {
                map[row * k + j] =
                    (0..r).map(|t| sc1[j * r + t] * u2[(t, col)]).sum::<f64>() as f32;
            }
        }
        Ok(Lda::finish(map, &mean, &cm, k, m))
    }

    /// The LDA of `map` (`m×k`) centred on `mean`: bias `−A·mean`, templates
    /// the mapped class means `cm` (`classes×k`).
    fn finish(map: Vec<f32>, mean: &[f64], cm: &[f64], k: usize, m: usize) -> Lda {
        let bias: Vec<f32> = (0..m)
            .map(|r| -(0..k).map(|j| map[r * k + j] as f64 * mean[j]).sum::<f64>() as f32)
            .collect();
        let mut lda = Lda {
            map,
            bias,
            templates: Vec::new(),
            k,
            m,
        };
        let cmf: Vec<f32> = cm.iter().map(|&v| v as f32).collect();
        lda.templates = lda.apply(&cmf);
        lda
    }

    /// `z = A c + bias` for each row of `x` (`n×K` → `n×M`).
    pub fn apply(&self, x: &[f32]) -> Vec<f32> {
        let n = x.len() / self.k;
        let mut z = vec![0.0f32; n * self.m];
        crate::nmf::linalg::gemm(
            &mut z,
            x,
            (n, self.k),
            false,
            &self.map,
            (self.m, self.k),
            true,
            false,
        );
        for row in z.chunks_mut(self.m) {
            for (v, b) in row.iter_mut().zip(&self.bias) {
                *v += b;
            }
        }
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nmf::rng::Rng;

    /// `n` rows of `k` features in `classes` shifted Gaussian clouds.
    fn clouds(n: usize, k: usize, classes: usize, seed: u64) -> (Vec<f32>, Vec<u16>) {
        let mut rng = Rng::new(seed);
        let centres: Vec<f64> = (0..classes * k).map(|_| 2.0 * rng.normal()).collect();
        let labels: Vec<u16> = (0..n).map(|i| (i % classes) as u16).collect();
        let x = labels
            .iter()
            .flat_map(|&l| {
                (0..k)
                    .map(|j| (centres[l as usize * k + j] + rng.normal()) as f32)
                    .collect::<Vec<_>>()
            })
            .collect();
        (x, labels)
    }

    fn dist(a: &[f32], b: &[f32]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(p, q)| ((p - q) as f64).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn svd_and_ridge_lda_agree_up_to_scale_when_well_posed() {
        let (k, classes) = (8, 5);
        let (x, y) = clouds(300, k, classes, 1);
        let (t, _) = clouds(40, k, classes, 2);
        let (a, b) = (
            Lda::fit(&x, &y, k, classes, 1e-12).unwrap(),
            Lda::fit_svd(&x, &y, k, classes, 1e-4).unwrap(),
        );
        assert_eq!((a.m, b.m), (4, 4));
        // Same subspace, within-class covariance 1 against scatter 1: distances
        // differ by sqrt(n − classes) exactly.
        let (za, zb) = (a.apply(&t), b.apply(&t));
        let want = ((300 - classes) as f64).sqrt();
        for i in 0..40 {
            for c in 0..classes {
                let ra = dist(&za[i * 4..i * 4 + 4], &a.templates[c * 4..c * 4 + 4]);
                let rb = dist(&zb[i * 4..i * 4 + 4], &b.templates[c * 4..c * 4 + 4]);
                assert!((rb / ra / want - 1.0).abs() < 1e-3, "{i} {c}: {ra} {rb}");
            }
        }
    }

    #[test]
    fn svd_lda_drops_null_directions() {
        let (k, classes) = (6, 4);
        let (mut x, y) = clouds(200, k, classes, 3);
        for row in x.chunks_mut(k) {
            row[5] = row[4]; // a duplicated feature: singular within-class scatter
        }
        let b = Lda::fit_svd(&x, &y, k, classes, 1e-4).unwrap();
        assert_eq!(b.m, 3);
        let max = b.map.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(max.is_finite() && max < 1e3, "{max}");
        // The map cannot see the difference of the duplicated pair.
        for row in b.map.chunks(k) {
            let mut probe = vec![0.0f32; k];
            probe[4] = 1.0;
            probe[5] = -1.0;
            let v: f32 = row.iter().zip(&probe).map(|(a, p)| a * p).sum();
            assert!(v.abs() < 1e-3 * max, "{v}");
        }
    }

    #[test]
    fn a_code_that_is_not_finite_is_refused_not_a_panic() {
        let (k, classes) = (3, 2);
        let mut x = vec![
            0.1f32, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2,
        ];
        let y = [0u16, 0, 1, 1];
        assert!(Lda::fit(&x, &y, k, classes, 1e-6).is_ok());
        x[4] = f32::NAN;
        assert_eq!(
            Lda::fit(&x, &y, k, classes, 1e-6).unwrap_err(),
            LdaError::NonFinite
        );
        assert_eq!(
            Lda::fit_svd(&x, &y, k, classes, 1e-4).unwrap_err(),
            LdaError::NonFinite
        );
    }
}
