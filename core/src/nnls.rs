//! Non-negative least squares on a Gram matrix by projected coordinate descent
//! (HALS).
//!
//! Solves `min_w ½ wᵀ G w − bᵀ w` subject to `w ≥ 0`, which is
//! `min_w ½‖x − w H‖²` for `G = H Hᵀ` and `b = H x`. One *sweep* visits the
//! coordinates `i = 0..K` in order and replaces each by its exact minimiser
//! with the others fixed:
//!
//! ```text
//! g_i = Σ_j G_ij w_j − b_i          (the gradient, K multiply-adds)
//! w_i ← max(0, w_i − g_i / G_ii)
//! ```
//!
//! so a sweep costs K² multiply-adds (plus 6 per block of four coordinates,
//! see `solve_unchecked`) and K divisions. The objective never
//! increases.
//!
//! # Stopping rule
//! During a sweep the projected gradient of each coordinate is taken from the
//! gradient just computed, before that coordinate moves (as scikit-learn's
//! `cd` solver gathers its "violation"): `pg_i = g_i` if `w_i > 0`, else
//! `min(g_i, 0)`. The solver stops after the first sweep with
//! `‖pg‖₂ ≤ tol · ‖b₊‖₂` (`b₊` = positive part of `b`, which is `‖pg‖` at
//! `w = 0`, so `tol` is relative and the rule does not depend on the image's
//! brightness), or after `max_sweeps` sweeps. It costs nothing extra.
//!
//! # Determinism
//! Sums run left to right in f32 with separate multiply and add, so the same
//! inputs give bit-identical results on the host and on a Cortex-M4F (stable
//! Rust never fuses `a * b + c`).

use crate::error::{InputError, ModelError};
use crate::validate;

/// Largest number of components K the kernel accepts (fixed stack buffers).
pub const MAX_COMPONENTS: usize = 256;

/// When to stop the coordinate descent.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StopRule {
    /// The most sweeps to run (each K² multiply-adds).
    pub max_sweeps: u16,
    /// Stop when `‖pg‖₂ ≤ tol · ‖b₊‖₂`; `0` runs all `max_sweeps`.
    pub tol: f32,
}

impl StopRule {
    /// A rule of `max_sweeps` sweeps and relative tolerance `tol`.
    pub const fn new(max_sweeps: u16, tol: f32) -> Self {
        Self { max_sweeps, tol }
    }
}

impl Default for StopRule {
    /// 100 sweeps, tolerance 1e-4.
    fn default() -> Self {
        Self::new(100, 1e-4)
    }
}

/// What a solve did.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SolveReport {
    /// Sweeps run (0 when the start point already satisfied the rule).
    pub sweeps: u16,
    /// `‖pg‖₂` gathered during the last sweep (see the module docs).
    pub pg_norm: f32,
    /// Whether the tolerance was met (false: stopped by `max_sweeps`).
    pub converged: bool,
}

/// A validated K x K Gram matrix, row-major.
///
/// Checked once by [`Gram::new_checked`]: finite, non-negative, symmetric
/// (within 1e-5 of `√(G_ii G_jj)`) and with a positive diagonal, so the
/// solver's loop cannot divide by zero.
#[derive(Debug, Clone, Copy)]
pub struct Gram<'a> {
    g: &'a [f32],
    k: usize,
}

impl<'a> Gram<'a> {
    /// Validates `g` (K*K values, row-major) as a Gram matrix.
    pub fn new_checked(g: &'a [f32], k: usize) -> Result<Self, ModelError> {
        validate::dimension("K (components)", k, MAX_COMPONENTS)?;
        validate::matrix("Gram matrix", g, k * k, k, true)?;
        for i in 0..k {
            if g[i * k + i] <= 0.0 {
                return Err(ModelError::NonPositiveDiagonal { index: i });
            }
        }
        for i in 0..k {
            for j in 0..i {
                let scale = libm::sqrtf(g[i * k + i] * g[j * k + j]);
                if (g[i * k + j] - g[j * k + i]).abs() > 1e-5 * scale {
                    return Err(ModelError::GramMismatch { row: i, col: j });
                }
            }
        }
        Ok(Self { g, k })
    }

    /// Number of components K.
    pub const fn k(&self) -> usize {
        self.k
    }

    /// Row `i` of the matrix.
    #[inline]
    pub fn row(&self, i: usize) -> &'a [f32] {
        &self.g[i * self.k..(i + 1) * self.k]
    }

    /// The whole matrix, row-major.
    pub const fn as_slice(&self) -> &'a [f32] {
        self.g
    }
}

/// Dot product summed left to right (the order the chip uses).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for (x, y) in a.iter().zip(b) {
        s += x * y;
    }
    s
}

/// Solves the NNLS problem for `b`, starting from `w` (zeros for a cold
/// start; negative entries are set to zero) and leaving the solution in `w`.
///
/// Errors when `b` or `w` has the wrong length or holds NaN or infinity.
pub fn solve(
    gram: &Gram<'_>,
    b: &[f32],
    w: &mut [f32],
    rule: StopRule,
) -> Result<SolveReport, InputError> {
    let k = gram.k();
    for v in [b.len(), w.len()] {
        if v != k {
            return Err(InputError::Length {
                expected: k,
                actual: v,
            });
        }
    }
    if let Some(index) = b.iter().chain(w.iter()).position(|v| !v.is_finite()) {
        return Err(InputError::NotFinite { index: index % k });
    }
    for wi in w.iter_mut() {
        *wi = wi.max(0.0);
    }
    Ok(solve_unchecked(gram, b, w, rule))
}

/// Four dot products of four rows with one vector, each summed left to
/// right: bit-identical to four calls of [`dot`], but `x` is loaded once for
/// the four rows (1.25 loads per multiply-add instead of 2, which is what
/// bounds the chip's speed).
#[inline]
pub fn dot4(rows: [&[f32]; 4], x: &[f32]) -> [f32; 4] {
    let n = x.len();
    let [r0, r1, r2, r3] = rows;
    let (r0, r1, r2, r3) = (&r0[..n], &r1[..n], &r2[..n], &r3[..n]);
    let mut s = [0.0f32; 4];
    for t in 0..n {
        let xt = x[t];
        s[0] += r0[t] * xt;
        s[1] += r1[t] * xt;
        s[2] += r2[t] * xt;
        s[3] += r3[t] * xt;
    }
    s
}

/// The sweeps themselves; lengths and finiteness are the caller's promise.
///
/// Coordinates go in blocks of four: the four gradients are taken together
/// with [`dot4`] at the start of the block, and each is then corrected for
/// the moves the block's earlier coordinates just made
/// (`g_r += Σ_{q<r} G_{r,q} · Δw_q`), which equals the gradient at the
/// current point up to rounding.
pub(crate) fn solve_unchecked(
    gram: &Gram<'_>,
    b: &[f32],
    w: &mut [f32],
    rule: StopRule,
) -> SolveReport {
    let k = gram.k();
    let scale = libm::sqrtf(b.iter().map(|&v| v.max(0.0) * v.max(0.0)).sum::<f32>());
    let threshold = rule.tol * scale;
    let mut report = SolveReport {
        sweeps: 0,
        pg_norm: f32::INFINITY,
        converged: false,
    };
    for sweep in 1..=rule.max_sweeps {
        let mut pg2 = 0.0f32;
        let mut i = 0;
        while i < k {
            let n = (k - i).min(4);
            let grad = if n == 4 {
                dot4(
                    [
                        gram.row(i),
                        gram.row(i + 1),
                        gram.row(i + 2),
                        gram.row(i + 3),
                    ],
                    w,
                )
            } else {
                core::array::from_fn(|r| if r < n { dot(gram.row(i + r), w) } else { 0.0 })
            };
            let mut moved = [0.0f32; 4];
            for r in 0..n {
                let c = i + r;
                let row = gram.row(c);
                let mut g = grad[r];
                for q in 0..r {
                    g += row[i + q] * moved[q];
                }
                g -= b[c];
                let pg = if w[c] > 0.0 { g } else { g.min(0.0) };
                pg2 += pg * pg;
                let new = (w[c] - g / row[c]).max(0.0);
                moved[r] = new - w[c];
                w[c] = new;
            }
            i += n;
        }
        report.sweeps = sweep;
        report.pg_norm = libm::sqrtf(pg2);
        if report.pg_norm <= threshold {
            report.converged = true;
            break;
        }
    }
    report
}
