//! A linear encoding stage: `code = W x + c`, `W` of P rows of D features
//! (f32 or i8 rows with a scale a row, see [`crate::rows`]) and `c` of P
//! values — the Fisherfaces recipe's whitened PCA, `W = S V` and
//! `c = −W μ` for the training mean `μ`, so that `code = W (x − μ)`.
//!
//! Cost: D·P multiply-adds and P additions, no iteration: beside the NMF
//! encoder's `D·K + sweeps·K²` it has no solver to run.

use crate::encode::MAX_PIXELS;
use crate::error::{InputError, ModelError};
use crate::nnls::{SolveReport, MAX_COMPONENTS};
use crate::rows::{Rows, Storage};
use crate::validate;

/// What a linear stage reports in place of a solve: no sweep, converged.
pub const NO_SOLVE: SolveReport = SolveReport {
    sweeps: 0,
    pg_norm: 0.0,
    converged: true,
};

/// `code = W x + c`, validated once by [`LinearEncoder::new_checked`].
#[derive(Debug, Clone, Copy)]
pub struct LinearEncoder<'a> {
    w: Rows<'a>,
    bias: &'a [f32],
}

impl<'a> LinearEncoder<'a> {
    /// Validates `w` (P rows of D values; P is the code's length) and `bias`
    /// (P finite values).
    pub fn new_checked(w: Rows<'a>, bias: &'a [f32]) -> Result<Self, ModelError> {
        validate::dimension("D (pixels)", w.cols(), MAX_PIXELS)?;
        validate::dimension("P (code length)", w.rows(), MAX_COMPONENTS)?;
        validate::matrix("encoder bias", bias, w.rows(), w.rows(), false)?;
        Ok(Self { w, bias })
    }

    /// [`LinearEncoder::new_checked`] of f32 `const` arrays as the export
    /// writes them.
    pub fn from_arrays<const D: usize, const P: usize>(
        w: &'a [[f32; D]; P],
        bias: &'a [f32; P],
    ) -> Result<Self, ModelError> {
        let rows = Rows::new_checked("encoder rows", Storage::F32(w.as_flattened()), P, D, false)?;
        Self::new_checked(rows, bias)
    }

    /// [`LinearEncoder::new_checked`] of i8 rows with their scales, as the
    /// export writes them.
    pub fn from_i8_arrays<const D: usize, const P: usize>(
        q: &'a [[i8; D]; P],
        scales: &'a [f32; P],
        bias: &'a [f32; P],
    ) -> Result<Self, ModelError> {
        let storage = Storage::I8 {
            q: q.as_flattened(),
            scales,
        };
        let rows = Rows::new_checked("encoder rows", storage, P, D, false)?;
        Self::new_checked(rows, bias)
    }

    /// The code's length P.
    pub const fn k(&self) -> usize {
        self.w.rows()
    }

    /// The input's length D.
    pub const fn d(&self) -> usize {
        self.w.cols()
    }

    /// The validated rows of `W`.
    pub const fn rows(&self) -> &Rows<'a> {
        &self.w
    }

    /// The bias `c`.
    pub const fn bias(&self) -> &'a [f32] {
        self.bias
    }

    /// `code = W x + c` (each row's product as [`crate::rows`] defines it,
    /// then the bias added). Errors when a length is wrong or `x` holds NaN
    /// or infinity.
    pub fn encode(&self, x: &[f32], code: &mut [f32]) -> Result<SolveReport, InputError> {
        validate::finite(x)?;
        self.encode_finite(x, code)
    }

    /// [`LinearEncoder::encode`] of an `x` known to be finite.
    pub(crate) fn encode_finite(
        &self,
        x: &[f32],
        code: &mut [f32],
    ) -> Result<SolveReport, InputError> {
        for (expected, actual) in [(self.d(), x.len()), (self.k(), code.len())] {
            if expected != actual {
                return Err(InputError::Length { expected, actual });
            }
        }
        self.w.mul(x, code);
        for (v, c) in code.iter_mut().zip(self.bias) {
            *v += c;
        }
        // Finite features so large that W x overflows f32.
        validate::finite(code)?;
        Ok(NO_SOLVE)
    }
}
