//! Code → comparison space: optional element-wise square root, optional L2
//! normalisation, then an optional affine map `y = P z + c` (e.g. LDA learned
//! by the trainer, `P` of M rows and K columns, from flash).
//!
//! Cost: K square roots for the root, K multiply-adds and one sqrt for the
//! normalisation, M·K multiply-adds for the map. The identity costs nothing:
//! [`Projection::apply`] hands back the code itself.

use crate::error::{InputError, ModelError};
use crate::math;
use crate::nnls::{dot, dot4, MAX_COMPONENTS};
use crate::validate;

/// An affine map `y = P z + c`, `P` row-major M x K.
#[derive(Debug, Clone, Copy)]
pub struct LinearMap<'a> {
    p: &'a [f32],
    bias: Option<&'a [f32]>,
    m: usize,
    k: usize,
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
        validate::matrix("linear map", p, m * k, k, false)?;
        if let Some(c) = bias {
            validate::matrix("map bias", c, m, m, false)?;
        }
        Ok(Self { p, bias, m, k })
    }

    /// [`LinearMap::new_checked`] for `const` arrays as the export writes them.
    pub fn from_arrays<const M: usize, const K: usize>(
        p: &'a [[f32; K]; M],
        bias: Option<&'a [f32; M]>,
    ) -> Result<Self, ModelError> {
        Self::new_checked(p.as_flattened(), bias.map(|b| b.as_slice()), M, K)
    }

    /// Output length M.
    pub const fn m(&self) -> usize {
        self.m
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
            if map.k != k {
                return Err(ModelError::Length {
                    what: "linear map columns",
                    expected: k,
                    actual: map.k,
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
            Some(map) => map.m,
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
        if let Some(index) = code.iter().position(|v| !v.is_finite()) {
            return Err(InputError::NotFinite { index });
        }
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
        if out.len() < map.m {
            return Err(InputError::Length {
                expected: map.m,
                actual: out.len(),
            });
        }
        let out = &mut out[..map.m];
        let k = self.k;
        // Four rows at a time share the loads of the code (bit-identical).
        let blocked = map.m - map.m % 4;
        for (ys, rows) in out[..blocked]
            .chunks_exact_mut(4)
            .zip(map.p.chunks_exact(4 * k))
        {
            let (r0, rest) = rows.split_at(k);
            let (r1, rest) = rest.split_at(k);
            let (r2, r3) = rest.split_at(k);
            ys.copy_from_slice(&dot4([r0, r1, r2, r3], code));
        }
        for (r, y) in out.iter_mut().enumerate().skip(blocked) {
            *y = dot(&map.p[r * k..(r + 1) * k], code);
        }
        if let Some(c) = map.bias {
            for (y, c) in out.iter_mut().zip(c) {
                *y += c;
            }
        }
        Ok(out)
    }
}
