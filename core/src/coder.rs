//! The stage that turns features into a code, as the model chooses it: the
//! NMF encoder ([`Encoder`], non-negative codes by coordinate descent) or a
//! linear stage ([`LinearEncoder`], `code = W x + c`, e.g. Fisherfaces'
//! whitened PCA). The recogniser holds one and runs it the same way.

use crate::encode::Encoder;
use crate::error::InputError;
use crate::linear::LinearEncoder;
use crate::nnls::SolveReport;

/// Features → code, by the model's method.
#[derive(Debug, Clone, Copy)]
pub enum Coder<'a> {
    /// NMF codes against a basis.
    Nmf(Encoder<'a>),
    /// An affine map of the features.
    Linear(LinearEncoder<'a>),
}

impl<'a> From<Encoder<'a>> for Coder<'a> {
    fn from(e: Encoder<'a>) -> Self {
        Self::Nmf(e)
    }
}

impl<'a> From<LinearEncoder<'a>> for Coder<'a> {
    fn from(e: LinearEncoder<'a>) -> Self {
        Self::Linear(e)
    }
}

impl<'a> Coder<'a> {
    /// The code's length (K components, or P rows).
    pub const fn k(&self) -> usize {
        match self {
            Self::Nmf(e) => e.k(),
            Self::Linear(e) => e.k(),
        }
    }

    /// The features' length D.
    pub const fn d(&self) -> usize {
        match self {
            Self::Nmf(e) => e.d(),
            Self::Linear(e) => e.d(),
        }
    }

    /// Encodes `x` (D values) into `code` (K values, overwritten); the
    /// linear stage reports no sweep, converged.
    pub fn encode(&self, x: &[f32], code: &mut [f32]) -> Result<SolveReport, InputError> {
        match self {
            Self::Nmf(e) => e.encode(x, code),
            Self::Linear(e) => e.encode(x, code),
        }
    }

    /// [`Coder::encode`] of an `x` known to be finite.
    pub(crate) fn encode_finite(
        &self,
        x: &[f32],
        code: &mut [f32],
    ) -> Result<SolveReport, InputError> {
        match self {
            Self::Nmf(e) => e.encode_finite(x, code),
            Self::Linear(e) => e.encode_finite(x, code),
        }
    }
}
