//! Fisher linear discriminant analysis on codes, kept as plain data the chip
//! can use: `z = A c + bias` (`A` is `M×K`), then the nearest class mean.

use faer::{MatRef, Side};

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
    pub fn fit(x: &[f32], labels: &[u16], k: usize, classes: usize, reg: f64) -> Lda {
        let n = labels.len();
        let mut mean = vec![0.0f64; k];
        let mut cm = vec![0.0f64; classes * k];
        let mut counts = vec![0usize; classes];
        for (row, &l) in x.chunks(k).zip(labels) {
            counts[l as usize] += 1;
            for j in 0..k {
                mean[j] += row[j] as f64;
                cm[l as usize * k + j] += row[j] as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        for c in 0..classes {
            for j in 0..k {
                cm[c * k + j] /= counts[c].max(1) as f64;
            }
        }
        // Within-class scatter.
        let mut centred = vec![0.0f64; n * k];
        for (i, (row, &l)) in x.chunks(k).zip(labels).enumerate() {
            for j in 0..k {
                centred[i * k + j] = row[j] as f64 - cm[l as usize * k + j];
            }
        }
        let mut sw = vec![0.0f64; k * k];
        crate::nmf::linalg::gemm64(
            &mut sw,
            &centred,
            (n, k),
            true,
            &centred,
            (n, k),
            false,
            false,
        );
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
        let ev = MatRef::from_row_major_slice(&sw, k, k)
            .self_adjoint_eigen(Side::Lower)
            .expect("eigen of Sw");
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
        let ev2 = MatRef::from_row_major_slice(&mm, k, k)
            .self_adjoint_eigen(Side::Lower)
            .expect("eigen of the LDA problem");
        let u2 = ev2.U();
        let m = classes.saturating_sub(1).min(k).max(1);
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
