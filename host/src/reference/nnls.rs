//! Non-negative least squares in f64 by the Lawson–Hanson active-set method
//! (Lawson & Hanson, *Solving Least Squares Problems*, 1974, ch. 23), on the
//! normal equations: `min ½ wᵀGw − bᵀw, w ≥ 0` with `G = H Hᵀ`, `b = H x`.
//!
//! Each outer step frees the coordinate with the largest positive
//! `b − G w`, solves the unconstrained problem on the free set by Cholesky
//! and steps back to the feasible region when a free coordinate would turn
//! negative. It ends at an exact KKT point up to rounding, independent of the
//! kernel's coordinate descent.

/// A basis in f64: `k` rows of `d` values.
#[derive(Debug, Clone)]
pub struct Basis {
    /// Row-major `k * d`.
    pub h: Vec<f64>,
    /// Components.
    pub k: usize,
    /// Pixels.
    pub d: usize,
}

impl Basis {
    /// Widens an f32 basis (`k * d`, row-major).
    pub fn from_f32(h: &[f32], k: usize, d: usize) -> anyhow::Result<Self> {
        anyhow::ensure!(
            h.len() == k * d,
            "basis holds {} values, expected {k} x {d}",
            h.len()
        );
        Ok(Self {
            h: h.iter().map(|&v| f64::from(v)).collect(),
            k,
            d,
        })
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.h[i * self.d..(i + 1) * self.d]
    }

    /// `G = H Hᵀ` (k * k, row-major).
    pub fn gram(&self) -> Vec<f64> {
        let mut g = vec![0.0; self.k * self.k];
        for i in 0..self.k {
            for j in 0..self.k {
                g[i * self.k + j] = dot(self.row(i), self.row(j));
            }
        }
        g
    }

    /// `b = H x`.
    pub fn correlate(&self, x: &[f32]) -> Vec<f64> {
        (0..self.k)
            .map(|i| {
                self.row(i)
                    .iter()
                    .zip(x)
                    .map(|(h, &v)| h * f64::from(v))
                    .sum()
            })
            .collect()
    }

    /// `½‖x − wH‖²` in f64.
    pub fn objective(&self, x: &[f32], w: &[f64]) -> f64 {
        let mut s = 0.0;
        for p in 0..self.d {
            let r = f64::from(x[p])
                - (0..self.k)
                    .map(|i| w[i] * self.h[i * self.d + p])
                    .sum::<f64>();
            s += r * r;
        }
        0.5 * s
    }

    /// The exact NNLS code of `x`.
    pub fn encode(&self, x: &[f32]) -> Vec<f64> {
        lawson_hanson(&self.gram(), &self.correlate(x), self.k)
    }
}

/// Floor of the objective gap's denominator, as a share of `f(0) = ½‖x‖²`.
///
/// f32 resolves the gradient `Gw − b` to about `1e-6·‖b‖` (its sums cancel),
/// so on an image the basis represents exactly, through an ill-conditioned
/// basis, the f32 objective can only get within about `1e-9·f(0)` of zero.
/// Measuring the gap against at least `1e-4·f(0)` (a residual of 1% of the
/// image's norm; real faces leave 10–15%) keeps such images from dividing by
/// a rounding error.
pub const GAP_FLOOR: f64 = 1e-4;

/// The relative objective gap of a code whose objective is `f`, against the
/// optimum `f_opt`, for an image with `f(0) = f_zero`:
/// `(f − f_opt) / max(f_opt, GAP_FLOOR · f_zero)`, never negative.
pub fn relative_gap(f: f64, f_opt: f64, f_zero: f64) -> f64 {
    ((f - f_opt) / f_opt.max(GAP_FLOOR * f_zero)).max(0.0)
}

/// Dot product in f64.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The gradient `G w − b`.
pub fn gradient(g: &[f64], b: &[f64], w: &[f64]) -> Vec<f64> {
    let k = b.len();
    (0..k)
        .map(|i| dot(&g[i * k..(i + 1) * k], w) - b[i])
        .collect()
}

/// Solves `min ½ wᵀGw − bᵀw, w ≥ 0` for a positive semi-definite `G` (k x k).
pub fn lawson_hanson(g: &[f64], b: &[f64], k: usize) -> Vec<f64> {
    let scale = b
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let tol = 1e-13 * scale * k as f64;
    let mut w = vec![0.0; k];
    let mut free = vec![false; k];
    for _ in 0..3 * k + 10 {
        let neg_grad: Vec<f64> = gradient(g, b, &w).iter().map(|v| -v).collect();
        let Some(j) = (0..k)
            .filter(|&j| !free[j] && neg_grad[j] > tol)
            .max_by(|&a, &c| neg_grad[a].total_cmp(&neg_grad[c]))
        else {
            break;
        };
        free[j] = true;
        loop {
            let z = solve_free(g, b, &free, k);
            if (0..k).filter(|&i| free[i]).all(|i| z[i] > 0.0) {
                w = z;
                break;
            }
            // Step from w towards z until the first free coordinate hits zero.
            let alpha = (0..k)
                .filter(|&i| free[i] && z[i] <= 0.0)
                .map(|i| w[i] / (w[i] - z[i]))
                .fold(f64::INFINITY, f64::min);
            for i in 0..k {
                w[i] += alpha * (z[i] - w[i]);
            }
            // Coordinates the step brought to zero (up to rounding) leave the free set.
            let floor = 1e-12 * w.iter().fold(0.0f64, |m, v| m.max(*v));
            for i in 0..k {
                if free[i] && w[i] <= floor {
                    free[i] = false;
                    w[i] = 0.0;
                }
            }
            if !free.iter().any(|&f| f) {
                break;
            }
        }
    }
    w
}

/// The unconstrained minimiser on the free coordinates (zero elsewhere), by
/// Cholesky factorisation of `G` restricted to them.
fn solve_free(g: &[f64], b: &[f64], free: &[bool], k: usize) -> Vec<f64> {
    let idx: Vec<usize> = (0..k).filter(|&i| free[i]).collect();
    let n = idx.len();
    let mut l = vec![0.0; n * n];
    for a in 0..n {
        for c in 0..=a {
            let mut s = g[idx[a] * k + idx[c]];
            for m in 0..c {
                s -= l[a * n + m] * l[c * n + m];
            }
            l[a * n + c] = if a == c {
                s.max(f64::MIN_POSITIVE).sqrt()
            } else {
                s / l[c * n + c]
            };
        }
    }
    let mut y = vec![0.0; n];
    for a in 0..n {
        y[a] = (b[idx[a]] - (0..a).map(|m| l[a * n + m] * y[m]).sum::<f64>()) / l[a * n + a];
    }
    let mut z = vec![0.0; n];
    for a in (0..n).rev() {
        z[a] = (y[a] - (a + 1..n).map(|m| l[m * n + a] * z[m]).sum::<f64>()) / l[a * n + a];
    }
    let mut out = vec![0.0; k];
    for (a, &i) in idx.iter().enumerate() {
        out[i] = z[a];
    }
    out
}
