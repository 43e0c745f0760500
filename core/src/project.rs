//! Code → comparison space: optional element-wise square root, optional L2
//! normalisation, then an optional affine map `y = P z + c` (e.g. LDA learned
//! by the trainer, `P` of M rows and K columns, from flash, in f32 or as i8
//! rows with a scale a row: [`crate::rows`]).
//!
//! Cost: K square roots for the root, K multiply-adds and one sqrt for the
//! normalisation, M·K multiply-adds for the map. The identity costs nothing:
//! [`Projection::apply`] hands back the code itself.

use crate::error::{InputError, ModelError};
use crate::math;
use crate::nnls::MAX_COMPONENTS;
use crate::rows::{Rows, Storage};
use crate::validate;

/// An affine map `y = P z + c`, `P` M x K in f32 or as i8 rows with a scale
/// a row (see [`crate::rows`]).
#[derive(Debug, Clone, Copy)]
pub struct LinearMap<'a> {
    p: Rows<'a>,
    bias: Option<&'a [f32]>,
}

impl<'a> LinearMap<'a> {
    /// Validates `p` (M·K finite values, row `r` is `p[r*k..(r+1)*k]`) and
    /// the optional `bias` (M finite values).
    pub fn new_checked(
        p: &'a [f32],
        bias: Option<&'a [f32]>,
        m: usize,
        k: usize,
    ) -> Result<Self, ModelError> {
        validate::dimension("M (map rows)", m, MAX_COMPONENTS)?;
        validate::dimension("K (map columns)", k, MAX_COMPONENTS)?;
        let p = Rows::new_checked("linear map", Storage::F32(p), m, k, false)?;
        Self::from_rows(p, bias)
    }

    /// Validates a map of M rows of K values in either storage and the
    /// optional `bias` (M finite values).
    pub fn from_rows(p: Rows<'a>, bias: Option<&'a [f32]>) -> Result<Self, ModelError> {
        validate::dimension("M (map rows)", p.rows(), MAX_COMPONENTS)?;
        validate::dimension("K (map columns)", p.cols(), MAX_COMPONENTS)?;
        if let Some(c) = bias {
            validate::matrix("map bias", c, p.rows(), p.rows(), false)?;
        }
        Ok(Self { p, bias })
    }

    /// [`LinearMap::new_checked`] for `const` arrays as the export writes them.
    pub fn from_arrays<const M: usize, const K: usize>(
        p: &'a [[f32; K]; M],
        bias: Option<&'a [f32; M]>,
    ) -> Result<Self, ModelError> {
        Self::new_checked(p.as_flattened(), bias.map(|b| b.as_slice()), M, K)
    }

    /// [`LinearMap::from_rows`] of i8 rows with their scales, for `const`
    /// arrays as the export writes them.
    pub fn from_i8_arrays<const M: usize, const K: usize>(
        q: &'a [[i8; K]; M],
        scales: &'a [f32; M],
        bias: Option<&'a [f32; M]>,
    ) -> Result<Self, ModelError> {
        let storage = Storage::I8 {
            q: q.as_flattened(),
            scales,
        };
        let p = Rows::new_checked("linear map", storage, M, K, false)?;
        Self::from_rows(p, bias.map(|b| b.as_slice()))
    }

    /// Output length M.
    pub const fn m(&self) -> usize {
        self.p.rows()
    }

    /// Input length K.
    pub const fn k(&self) -> usize {
        self.p.cols()
    }

    /// The validated rows of `P`.
    pub const fn rows(&self) -> &Rows<'a> {
        &self.p
    }
}

/// The whole transform of a code, validated once by [`Projection::new_checked`].
#[derive(Debug, Clone, Copy)]
pub struct Projection<'a> {
    k: usize,
    sqrt: bool,
    normalize: bool,
    map: Option<LinearMap<'a>>,
}

impl<'a> Projection<'a> {
    /// The identity on codes of K values.
    pub const fn identity(k: usize) -> Self {
        Self {
            k,
            sqrt: false,
            normalize: false,
            map: None,
        }
    }

    /// Validates a transform of K-value codes (the map, if any, must take K
    /// values).
    pub fn new_checked(
        k: usize,
        sqrt: bool,
        normalize: bool,
        map: Option<LinearMap<'a>>,
    ) -> Result<Self, ModelError> {
        validate::dimension("K (components)", k, MAX_COMPONENTS)?;
        if let Some(map) = map {
            if map.k() != k {
                return Err(ModelError::Length {
                    what: "linear map columns",
                    expected: k,
                    actual: map.k(),
                });
            }
        }
        Ok(Self {
            k,
            sqrt,
            normalize,
            map,
        })
    }

    /// Length of the input code (K).
    pub const fn k(&self) -> usize {
        self.k
    }

    /// Length of the output (M with a map, else K).
    pub const fn out_len(&self) -> usize {
        match self.map {
            Some(map) => map.m(),
            None => self.k,
        }
    }

    /// True when a linear map follows the root and normalisation.
    pub const fn has_map(&self) -> bool {
        self.map.is_some()
    }

    /// True when `apply` returns the code unchanged.
    pub const fn is_identity(&self) -> bool {
        !self.sqrt && !self.normalize && self.map.is_none()
    }

    /// Transforms `code` (K values; the root and normalisation work in place)
    /// and returns the result: `code` itself without a map, else the first M
    /// values of `out` (which needs at least M values).
    pub fn apply<'b>(
        &self,
        code: &'b mut [f32],
        out: &'b mut [f32],
    ) -> Result<&'b [f32], InputError> {
        if code.len() != self.k {
            return Err(InputError::Length {
                expected: self.k,
                actual: code.len(),
            });
        }
        validate::finite(code)?;
        if self.sqrt {
            for v in code.iter_mut() {
                *v = math::sqrt(v.max(0.0));
            }
        }
        if self.normalize {
            let n = math::norm(code);
            if n > 0.0 {
                for v in code.iter_mut() {
                    *v /= n;
                }
            }
        }
        let Some(map) = self.map else {
            return Ok(code);
        };
        let m = map.m();
        if out.len() < m {
            return Err(InputError::Length {
                expected: m,
                actual: out.len(),
            });
        }
        let out = &mut out[..m];
        // Four rows at a time share the loads of the code (bit-identical).
        map.p.mul(code, out);
        if let Some(c) = map.bias {
            for (y, c) in out.iter_mut().zip(c) {
                *y += c;
            }
        }
        Ok(out)
    }
}
