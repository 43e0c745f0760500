//! Encoding a thumbnail against a fixed NMF basis: `w = argmin_{w ≥ 0} ½‖x − w H‖²`,
//! what scikit-learn's `NMF.transform` computes.
//!
//! The encoder computes `b = H x` once (D·K multiply-adds, over f32 or i8
//! rows, see [`crate::rows`]), then runs the
//! coordinate descent of [`crate::nnls`] on the Gram matrix `G = H Hᵀ`
//! (at most `max_sweeps`·K² multiply-adds). Total cost per face:
//! `D·K + sweeps·K²` multiply-adds, plus K divisions per sweep.

use crate::error::{InputError, ModelError};
use crate::nnls::{self, Gram, SolveReport, StopRule, MAX_COMPONENTS};
use crate::rows::{Rows, Storage};
use crate::validate;

/// Largest thumbnail size D (pixels) the encoder accepts.
pub const MAX_PIXELS: usize = 1 << 16;

/// Relative tolerance of the check that `G` equals `H Hᵀ` (computed in f32
/// at construction): `|G_ij − (H Hᵀ)_ij| ≤ 1e-3 · √(G_ii G_jj)`. It catches a
/// Gram matrix of another basis, not rounding.
pub const GRAM_CHECK_TOL: f32 = 1e-3;

/// An NMF encoder over a basis `H` (K rows of D features) held in flash,
/// in f32 or as i8 rows with a scale a row (see [`crate::rows`]).
///
/// Validated once by [`Encoder::new_checked`] / [`Encoder::from_rows`]
/// (basis finite and non-negative, Gram matrix valid and consistent with the
/// basis); after that, [`Encoder::encode`] only checks its input.
#[derive(Debug, Clone, Copy)]
pub struct Encoder<'a> {
    basis: Rows<'a>,
    gram: Gram<'a>,
    rule: StopRule,
}

impl<'a> Encoder<'a> {
    /// Validates an f32 basis (`k * d` values, row-major: component `i` is
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
        let basis = Rows::new_checked("basis", Storage::F32(basis), k, d, true)?;
        Self::from_rows(basis, gram, rule)
    }

    /// Validates a basis of K rows of D values in either storage and its
    /// Gram matrix (K x K, row-major), which must be `H Hᵀ` of the basis the
    /// rows stand for (for i8 rows, of `scale_i · q_i`) within
    /// [`GRAM_CHECK_TOL`].
    ///
    /// The consistency check costs K²·D/2 multiply-adds, once.
    pub fn from_rows(basis: Rows<'a>, gram: &'a [f32], rule: StopRule) -> Result<Self, ModelError> {
        let (k, d) = (basis.rows(), basis.cols());
        validate::dimension("D (pixels)", d, MAX_PIXELS)?;
        validate::dimension("K (components)", k, MAX_COMPONENTS)?;
        let basis = if basis.is_non_negative() {
            basis
        } else {
            Rows::new_checked("basis", basis.storage(), k, d, true)?
        };
        let gram = Gram::new_checked(gram, k)?;
        for i in 0..k {
            for j in 0..=i {
                let hh = basis.gram_entry(i, j);
                let scale = libm::sqrtf(gram.row(i)[i] * gram.row(j)[j]);
                if (gram.row(i)[j] - hh).abs() > GRAM_CHECK_TOL * scale {
                    return Err(ModelError::GramMismatch { row: i, col: j });
                }
            }
        }
        Ok(Self { basis, gram, rule })
    }

    /// [`Encoder::new_checked`] for `const` arrays as the export writes them.
    pub fn from_arrays<const D: usize, const K: usize>(
        basis: &'a [[f32; D]; K],
        gram: &'a [[f32; K]; K],
        rule: StopRule,
    ) -> Result<Self, ModelError> {
        Self::new_checked(basis.as_flattened(), gram.as_flattened(), K, D, rule)
    }

    /// [`Encoder::from_rows`] of i8 rows with their scales, for `const`
    /// arrays as the export writes them.
    pub fn from_i8_arrays<const D: usize, const K: usize>(
        q: &'a [[i8; D]; K],
        scales: &'a [f32; K],
        gram: &'a [[f32; K]; K],
        rule: StopRule,
    ) -> Result<Self, ModelError> {
        let storage = Storage::I8 {
            q: q.as_flattened(),
            scales,
        };
        let basis = Rows::new_checked("basis", storage, K, D, true)?;
        Self::from_rows(basis, gram.as_flattened(), rule)
    }

    /// Number of components K (the code's length).
    pub const fn k(&self) -> usize {
        self.gram.k()
    }

    /// Pixels per thumbnail D (the input's length).
    pub const fn d(&self) -> usize {
        self.basis.cols()
    }

    /// The stopping rule in use.
    pub const fn rule(&self) -> StopRule {
        self.rule
    }

    /// The validated Gram matrix.
    pub const fn gram(&self) -> &Gram<'a> {
        &self.gram
    }

    /// The validated basis.
    pub const fn basis(&self) -> &Rows<'a> {
        &self.basis
    }

    /// Computes `b = H x` into `b` (K values), summing each row left to right
    /// as [`crate::rows`] defines it.
    pub fn correlate(&self, x: &[f32], b: &mut [f32]) -> Result<(), InputError> {
        self.check_input(x)?;
        if b.len() != self.k() {
            return Err(InputError::Length {
                expected: self.k(),
                actual: b.len(),
            });
        }
        self.basis.mul(x, b);
        Ok(())
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
        if x.len() != self.d() {
            return Err(InputError::Length {
                expected: self.d(),
                actual: x.len(),
            });
        }
        let mut b = [0.0f32; MAX_COMPONENTS];
        let b = &mut b[..k];
        self.basis.mul(x, b);
        // Finite pixels so large that H x overflows f32.
        validate::finite(b)?;
        code.fill(0.0);
        Ok(nnls::solve_unchecked(&self.gram, b, code, self.rule))
    }

    fn check_input(&self, x: &[f32]) -> Result<(), InputError> {
        if x.len() != self.d() {
            return Err(InputError::Length {
                expected: self.d(),
                actual: x.len(),
            });
        }
        validate::finite(x)
    }
}
