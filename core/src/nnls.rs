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

/// The dot products of the solver's sweeps (and of the encoder and the
/// projection): summed left to right, see [`crate::rows`].
pub use crate::rows::{dot, dot4};

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
    /// Sweeps run: the rule is tested after each sweep, on the projected
    /// gradient gathered during it, so at least 1 unless `max_sweeps` is 0
    /// (even when the start point already satisfies the rule).
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

/// `max(v, 0)` for a number (`+0.0` for `v ≤ 0`, `-0.0` included), by
/// clearing every bit when the sign bit is set: three instructions on the
/// chip, no comparison (and not a call of `fmaxf`). A NaN with its sign
/// bit clear stays NaN instead of becoming 0, so a solve that overflowed
/// ends in a non-finite code, which the projection refuses. Public so that
/// the host's batched solver uses the same projection.
#[inline(always)]
pub fn pos(v: f32) -> f32 {
    let bits = v.to_bits();
    f32::from_bits(bits & !(((bits as i32) >> 31) as u32))
}

/// One coordinate's move, given its gradient `g` and diagonal entry `gii`:
/// adds its projected gradient's square to `pg2`, returns the new value.
///
/// The projected gradient is `g` where `w > 0`, else `min(g, 0)`. With
/// `gii > 0`, `g < 0` at `w = 0` is exactly when the coordinate moves up, so
/// it is `g` when `w + new > 0` and 0 otherwise (one comparison on the chip
/// instead of two; the two differ only where `g / gii` underflows to zero,
/// a gradient far below anything the stopping rule can see).
#[inline(always)]
fn step(w: f32, g: f32, gii: f32, pg2: &mut f32) -> f32 {
    let new = pos(w - g / gii);
    let pg = if w + new > 0.0 { g } else { 0.0 };
    *pg2 += pg * pg;
    new
}

/// The sweeps themselves; lengths and finiteness are the caller's promise.
///
/// Coordinates go in blocks of four: the four gradients are taken together
/// with [`dot4`] at the start of the block, and each is then corrected for
/// the moves the block's earlier coordinates just made
/// (`g_r += Σ_{q<r} G_{r,q} · Δw_q`), which equals the gradient at the
/// current point up to rounding. The last `K mod 4` coordinates go one at a
/// time. The block's rows, diagonal and cross terms are taken as slices once
/// a block, so the chip's loop has no bounds checks and no calls.
pub(crate) fn solve_unchecked(
    gram: &Gram<'_>,
    b: &[f32],
    w: &mut [f32],
    rule: StopRule,
) -> SolveReport {
    let k = gram.k();
    let (g, b, w) = (&gram.as_slice()[..k * k], &b[..k], &mut w[..k]);
    let mut b2 = 0.0f32;
    for &v in b {
        b2 += pos(v) * pos(v);
    }
    let threshold = rule.tol * libm::sqrtf(b2);
    // `sqrt(pg2) <= threshold` is only tested (one square root) when `pg2`
    // is not clearly above `threshold²`: the same decision, one sqrt a solve.
    // (`MIN_POSITIVE` keeps it safe where `threshold²` underflows.)
    let clearly_above = threshold * threshold * (1.0 + 1e-4) + f32::MIN_POSITIVE;
    let mut report = SolveReport {
        sweeps: 0,
        pg_norm: f32::INFINITY,
        converged: false,
    };
    let mut pg2 = f32::INFINITY;
    for sweep in 1..=rule.max_sweeps {
        pg2 = 0.0f32;
        let mut i = 0;
        while i + 4 <= k {
            let rows = &g[i * k..(i + 4) * k];
            let (r0, rest) = rows.split_at(k);
            let (r1, rest) = rest.split_at(k);
            let (r2, r3) = rest.split_at(k);
            let grad = dot4([r0, r1, r2, r3], w);
            let (a0, a1, a2, a3) = (&r0[i..i + 4], &r1[i..i + 4], &r2[i..i + 4], &r3[i..i + 4]);
            let bb = &b[i..i + 4];
            let wb = &mut w[i..i + 4];
            let new0 = step(wb[0], grad[0] - bb[0], a0[0], &mut pg2);
            let m0 = new0 - wb[0];
            wb[0] = new0;
            let g1 = (grad[1] + a1[0] * m0) - bb[1];
            let new1 = step(wb[1], g1, a1[1], &mut pg2);
            let m1 = new1 - wb[1];
            wb[1] = new1;
            let g2 = ((grad[2] + a2[0] * m0) + a2[1] * m1) - bb[2];
            let new2 = step(wb[2], g2, a2[2], &mut pg2);
            let m2 = new2 - wb[2];
            wb[2] = new2;
            let g3 = (((grad[3] + a3[0] * m0) + a3[1] * m1) + a3[2] * m2) - bb[3];
            wb[3] = step(wb[3], g3, a3[3], &mut pg2);
            i += 4;
        }
        // The last K mod 4 coordinates, one at a time.
        for c in i..k {
            let row = &g[c * k..(c + 1) * k];
            let gc = dot(row, w) - b[c];
            w[c] = step(w[c], gc, row[c], &mut pg2);
        }
        report.sweeps = sweep;
        if pg2 <= clearly_above && libm::sqrtf(pg2) <= threshold {
            report.converged = true;
            break;
        }
    }
    report.pg_norm = libm::sqrtf(pg2);
    report
}
