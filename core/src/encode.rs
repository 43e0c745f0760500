//! Encoding a thumbnail against a fixed NMF basis: `w = argmin_{w ≥ 0} ½‖x − w H‖²`,
//! what scikit-learn's `NMF.transform` computes.
//!
//! The encoder computes `b = H x` once (D·K multiply-adds), then runs the
//! coordinate descent of [`crate::nnls`] on the Gram matrix `G = H Hᵀ`
//! (at most `max_sweeps`·K² multiply-adds). Total cost per face:
//! `D·K + sweeps·K²` multiply-adds, plus K divisions per sweep.

use crate::error::{InputError, ModelError};
use crate::nnls::{self, Gram, SolveReport, StopRule, MAX_COMPONENTS};
use crate::validate;

/// Largest thumbnail size D (pixels) the encoder accepts.
pub const MAX_PIXELS: usize = 1 << 16;

/// Relative tolerance of the check that `G` equals `H Hᵀ` (computed in f32
/// at construction): `|G_ij − (H Hᵀ)_ij| ≤ 1e-3 · √(G_ii G_jj)`. It catches a
/// Gram matrix of another basis, not rounding.
pub const GRAM_CHECK_TOL: f32 = 1e-3;

/// An NMF encoder over a basis `H` (K rows of D pixels) held in flash.
///
/// Validated once by [`Encoder::new_checked`] (basis finite and
/// non-negative, Gram matrix valid and consistent with the basis); after
/// that, [`Encoder::encode`] only checks its input.
#[derive(Debug, Clone, Copy)]
pub struct Encoder<'a> {
    basis: &'a [f32],
    gram: Gram<'a>,
    d: usize,
    rule: StopRule,
}

impl<'a> Encoder<'a> {
    /// Validates a basis (`k * d` values, row-major: component `i` is
    /// `basis[i*d..(i+1)*d]`) and its Gram matrix (`k * k`, row-major).
    ///
    /// The consistency check costs K²·D multiply-adds, once.
    pub fn new_checked(
        basis: &'a [f32],
        gram: &'a [f32],
        k: usize,
        d: usize,
        rule: StopRule,
    ) -> Result<Self, ModelError> {
        validate::dimension("D (pixels)", d, MAX_PIXELS)?;
        validate::dimension("K (components)", k, MAX_COMPONENTS)?;
        validate::matrix("basis", basis, k * d, d, true)?;
        let gram = Gram::new_checked(gram, k)?;
        for i in 0..k {
            for j in 0..=i {
                let hh = nnls::dot(&basis[i * d..(i + 1) * d], &basis[j * d..(j + 1) * d]);
                let scale = libm::sqrtf(gram.row(i)[i] * gram.row(j)[j]);
                if (gram.row(i)[j] - hh).abs() > GRAM_CHECK_TOL * scale {
                    return Err(ModelError::GramMismatch { row: i, col: j });
                }
            }
        }
        Ok(Self {
            basis,
            gram,
            d,
            rule,
        })
    }

    /// [`Encoder::new_checked`] for `const` arrays as the export writes them.
    pub fn from_arrays<const D: usize, const K: usize>(
        basis: &'a [[f32; D]; K],
        gram: &'a [[f32; K]; K],
        rule: StopRule,
    ) -> Result<Self, ModelError> {
        Self::new_checked(basis.as_flattened(), gram.as_flattened(), K, D, rule)
    }

    /// Number of components K (the code's length).
    pub const fn k(&self) -> usize {
        self.gram.k()
    }

    /// Pixels per thumbnail D (the input's length).
    pub const fn d(&self) -> usize {
        self.d
    }

    /// The stopping rule in use.
    pub const fn rule(&self) -> StopRule {
        self.rule
    }

    /// The validated Gram matrix.
    pub const fn gram(&self) -> &Gram<'a> {
        &self.gram
    }

    /// Component `i` of the basis (D pixels).
    pub fn component(&self, i: usize) -> &'a [f32] {
        &self.basis[i * self.d..(i + 1) * self.d]
    }

    /// Computes `b = H x` into `b` (K values), summing each row left to right.
    pub fn correlate(&self, x: &[f32], b: &mut [f32]) -> Result<(), InputError> {
        self.check_input(x)?;
        if b.len() != self.k() {
            return Err(InputError::Length {
                expected: self.k(),
                actual: b.len(),
            });
        }
        self.correlate_unchecked(x, b);
        Ok(())
    }

    /// `b = H x` for `x` of D values and `b` of K values.
    fn correlate_unchecked(&self, x: &[f32], b: &mut [f32]) {
        // Four components at a time share the loads of x; each sum still runs
        // left to right, so the result is bit-identical to one dot a row.
        let mut i = 0;
        while i + 4 <= self.k() {
            let rows = [
                self.component(i),
                self.component(i + 1),
                self.component(i + 2),
                self.component(i + 3),
            ];
            b[i..i + 4].copy_from_slice(&nnls::dot4(rows, x));
            i += 4;
        }
        for j in i..self.k() {
            b[j] = nnls::dot(self.component(j), x);
        }
    }

    /// Encodes `x` (D pixels) into `code` (K values, overwritten) from a cold
    /// start (`w = 0`), so the code never depends on earlier calls.
    ///
    /// Errors when a length is wrong or `x` holds NaN or infinity.
    pub fn encode(&self, x: &[f32], code: &mut [f32]) -> Result<SolveReport, InputError> {
        self.check_input(x)?;
        self.encode_finite(x, code)
    }

    /// [`Encoder::encode`] for an `x` known to be finite (a thumbnail made
    /// by [`crate::Thumbnailer`]): only lengths are checked, which saves the
    /// chip a pass over the D pixels.
    pub(crate) fn encode_finite(
        &self,
        x: &[f32],
        code: &mut [f32],
    ) -> Result<SolveReport, InputError> {
        let k = self.k();
        if code.len() != k {
            return Err(InputError::Length {
                expected: k,
                actual: code.len(),
            });
        }
        if x.len() != self.d {
            return Err(InputError::Length {
                expected: self.d,
                actual: x.len(),
            });
        }
        let mut b = [0.0f32; MAX_COMPONENTS];
        let b = &mut b[..k];
        self.correlate_unchecked(x, b);
        if let Some(index) = b.iter().position(|v| !v.is_finite()) {
            // Finite pixels so large that H x overflows f32.
            return Err(InputError::NotFinite { index });
        }
        code.fill(0.0);
        Ok(nnls::solve_unchecked(&self.gram, b, code, self.rule))
    }

    fn check_input(&self, x: &[f32]) -> Result<(), InputError> {
        if x.len() != self.d {
            return Err(InputError::Length {
                expected: self.d,
                actual: x.len(),
            });
        }
        match x.iter().position(|v| !v.is_finite()) {
            Some(index) => Err(InputError::NotFinite { index }),
            None => Ok(()),
        }
    }
}
