//! PCA (randomised SVD of the centred data), optionally whitened: the
//! baseline the study compared NMF with.

use crate::nmf::init::randomized_svd;
use crate::nmf::linalg::gemm;

/// A fitted PCA.
#[derive(Debug, Clone)]
pub struct Pca {
    /// Mean image (`d`).
    pub mean: Vec<f32>,
    /// `k×d` principal axes, one per row.
    pub components: Vec<f32>,
    /// Per-component scale applied after projection (1, or `1/σ` when whitening).
    pub scale: Vec<f32>,
    /// Pixels.
    pub d: usize,
    /// Components.
    pub k: usize,
}

impl Pca {
    /// Fits `k` components on `x` (`n×d`).
    pub fn fit(x: &[f32], n: usize, d: usize, k: usize, whiten: bool, seed: u64) -> Pca {
        let k = k.min(n).min(d);
        let mut mean = vec![0.0f64; d];
        for row in x.chunks(d) {
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += v as f64;
            }
        }
        let mean: Vec<f32> = mean.iter().map(|&m| (m / n as f64) as f32).collect();
        let xc: Vec<f32> = x
            .chunks(d)
            .flat_map(|r| r.iter().zip(&mean).map(|(a, b)| a - b))
            .collect();
        let (_, s, vt) = randomized_svd(&xc, n, d, k, seed);
        let scale = s
            .iter()
            .map(|&sv| {
                if whiten && sv > 0.0 {
                    ((n as f64 - 1.0).sqrt() / sv) as f32
                } else {
                    1.0
                }
            })
            .collect();
        Pca {
            mean,
            components: vt.iter().map(|&v| v as f32).collect(),
            scale,
            d,
            k,
        }
    }

    /// The first `k` axes (all of them when `k ≥ self.k`): PCA at `k`
    /// components, up to the accuracy of the randomised SVD, which a sweep
    /// fits once at its largest count.
    pub fn truncated(&self, k: usize) -> Pca {
        let k = k.min(self.k);
        Pca {
            mean: self.mean.clone(),
            components: self.components[..k * self.d].to_vec(),
            scale: self.scale[..k].to_vec(),
            d: self.d,
            k,
        }
    }

    /// Scores of the rows of `x` (`n×k`), scaled.
    pub fn transform(&self, x: &[f32]) -> Vec<f32> {
        let mut z = self.project(x);
        for row in z.chunks_mut(self.k) {
            for (v, s) in row.iter_mut().zip(&self.scale) {
                *v *= s;
            }
        }
        z
    }

    /// Projections of the rows of `x` on the axes (`n×k`), before the scale:
    /// [`Pca::transform`] of a PCA with unit scales.
    pub fn project(&self, x: &[f32]) -> Vec<f32> {
        use rayon::prelude::*;
        let n = x.len() / self.d;
        let mut xc = x.to_vec();
        xc.par_chunks_mut(self.d).for_each(|r| {
            for (a, b) in r.iter_mut().zip(&self.mean) {
                *a -= b;
            }
        });
        let mut z = vec![0.0f32; n * self.k];
        gemm(
            &mut z,
            &xc,
            (n, self.d),
            false,
            &self.components,
            (self.k, self.d),
            true,
            false,
        );
        z
    }
}

#[cfg(test)]
mod tests {
    use super::Pca;
    use crate::nmf::rng::Rng;

    /// PCA truncated to `k` is PCA fitted at `k` (a sweep fits once at its
    /// largest count): the same leading axes (up to sign) and whitening
    /// scales, on data with a decaying spectrum.
    #[test]
    fn truncating_equals_fitting_fewer_components() {
        let (n, d, big, k) = (120, 60, 20, 6);
        let mut rng = Rng::new(9);
        // Columns scaled by 1/(j+1): well-separated singular values.
        let x: Vec<f32> = (0..n * d)
            .map(|ij| (rng.normal() / (1.0 + (ij % d) as f64)) as f32)
            .collect();
        let wide = Pca::fit(&x, n, d, big, true, 3).truncated(k);
        let own = Pca::fit(&x, n, d, k, true, 3);
        assert_eq!(
            (wide.k, wide.components.len(), wide.scale.len()),
            (k, k * d, k)
        );
        for j in 0..k {
            let (a, b) = (
                &wide.components[j * d..][..d],
                &own.components[j * d..][..d],
            );
            let cos: f64 = a.iter().zip(b).map(|(&u, &v)| u as f64 * v as f64).sum();
            assert!(cos.abs() > 0.999, "axis {j}: |cos| {}", cos.abs());
            let gap = (wide.scale[j] / own.scale[j] - 1.0).abs();
            assert!(gap < 1e-3, "axis {j}: scale gap {gap}");
        }
        assert_eq!(wide.truncated(99).k, k);
    }
}
