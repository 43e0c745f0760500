//! How the kernel stores the rows of a matrix in flash (the encoder's basis
//! `H`, the projection's map `P`), and the dot products it takes with them.
//!
//! Two storages, chosen by the model:
//!
//! - [`Storage::F32`]: the rows themselves, `K · D` f32 values.
//! - [`Storage::I8`]: each row as i8 values with one f32 scale a row,
//!   `row_i ≈ scale_i · q_i`: a quarter of the bytes (a K = 96 basis over
//!   D = 2832 LBP features: 272 KB instead of 1.09 MB).
//!
//! # The sums, exactly
//! For a vector `x`, the dot product of row `i` is summed left to right in
//! f32, with separate multiply and add (stable Rust never fuses them):
//!
//! ```text
//! F32: s = Σ_j  h_ij · x_j
//! I8:  s = scale_i · Σ_j  (q_ij as f32) · x_j      (the scale once, at the end)
//! ```
//!
//! `q as f32` is exact, so both are the same loop over a widened row and
//! give the same bits on the host and on a Cortex-M4F. [`dot4`] takes four
//! rows at a time, sharing each load of `x`, with each row still summed left
//! to right: bit-identical to four calls of [`dot`].
//!
//! The dequantised row `scale_i · q_i` is what a float64 reference of the
//! model computes with (see [`Rows::value`]); the kernel's sum differs from
//! it only by f32 rounding.

use crate::error::ModelError;
use crate::validate;

/// A value a row can be stored as: widened exactly to f32 in the dot loops.
pub trait Weight: Copy + private::Sealed {
    /// The value as f32 (exact for every implementor).
    fn widen(self) -> f32;
}

impl Weight for f32 {
    #[inline(always)]
    fn widen(self) -> f32 {
        self
    }
}

impl Weight for i8 {
    #[inline(always)]
    fn widen(self) -> f32 {
        f32::from(self)
    }
}

mod private {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for i8 {}
}

/// Terms a step of the dot-product loops (the chip's loads take immediate
/// offsets, so one pointer update serves a whole step).
const UNROLL: usize = 8;

/// Dot product of a row `a` and a vector `b`, summed left to right over
/// `min(a.len(), b.len())` terms (the order the chip uses).
///
/// Eight terms a step: the same sum, with fewer loop instructions on the chip.
#[inline]
pub fn dot<W: Weight>(a: &[W], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let m = n - n % UNROLL;
    let mut s = 0.0f32;
    for (ac, bc) in a[..m].chunks_exact(UNROLL).zip(b[..m].chunks_exact(UNROLL)) {
        for t in 0..UNROLL {
            s += ac[t].widen() * bc[t];
        }
    }
    for (x, y) in a[m..].iter().zip(&b[m..]) {
        s += x.widen() * y;
    }
    s
}

/// Four dot products of four rows with one vector, each summed left to
/// right: bit-identical to four calls of [`dot`], but `x` is loaded once for
/// the four rows (1.25 loads per multiply-add instead of 2, which is what
/// bounds the chip's speed). Each row must hold at least `x.len()` values.
#[inline(always)]
pub fn dot4<W: Weight>(rows: [&[W]; 4], x: &[f32]) -> [f32; 4] {
    let n = x.len();
    let [r0, r1, r2, r3] = rows.map(|r| r[..n].chunks_exact(UNROLL));
    let xs = x.chunks_exact(UNROLL);
    let tails = [
        r0.remainder(),
        r1.remainder(),
        r2.remainder(),
        r3.remainder(),
    ];
    let xr = xs.remainder();
    let mut s = [0.0f32; 4];
    for ((((xc, a), b), c), d) in xs.zip(r0).zip(r1).zip(r2).zip(r3) {
        for t in 0..UNROLL {
            let xt = xc[t];
            s[0] += a[t].widen() * xt;
            s[1] += b[t].widen() * xt;
            s[2] += c[t].widen() * xt;
            s[3] += d[t].widen() * xt;
        }
    }
    for (t, &xt) in xr.iter().enumerate() {
        for (sr, tail) in s.iter_mut().zip(tails) {
            *sr += tail[t].widen() * xt;
        }
    }
    s
}

/// The values of a row-major matrix, as stored.
#[derive(Debug, Clone, Copy)]
pub enum Storage<'a> {
    /// The rows in f32.
    F32(&'a [f32]),
    /// The rows in i8, row `i` standing for `scales[i] · q_i`.
    I8 {
        /// Row-major i8 values.
        q: &'a [i8],
        /// One scale a row.
        scales: &'a [f32],
    },
}

/// A validated matrix of `rows x cols` values in either [`Storage`].
///
/// Checked once by [`Rows::new_checked`]: lengths, values finite (f32),
/// scales finite and non-negative (i8), and every value non-negative when
/// the matrix must be (a basis). After that its products cannot fail.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    storage: Storage<'a>,
    rows: usize,
    cols: usize,
    non_negative: bool,
}

impl<'a> Rows<'a> {
    /// Validates `storage` as `rows x cols` values (`what` names the matrix in
    /// errors). With `non_negative`, f32 values and i8 values must be `>= 0`.
    pub fn new_checked(
        what: &'static str,
        storage: Storage<'a>,
        rows: usize,
        cols: usize,
        non_negative: bool,
    ) -> Result<Self, ModelError> {
        match storage {
            Storage::F32(values) => {
                validate::matrix(what, values, rows * cols, cols, non_negative)?
            }
            Storage::I8 { q, scales } => {
                if q.len() != rows * cols {
                    return Err(ModelError::Length {
                        what,
                        expected: rows * cols,
                        actual: q.len(),
                    });
                }
                validate::matrix("row scales", scales, rows, 1, true)?;
                if non_negative {
                    if let Some(idx) = q.iter().position(|&v| v < 0) {
                        return Err(ModelError::Negative {
                            what,
                            row: idx / cols,
                            col: idx % cols,
                        });
                    }
                }
            }
        }
        Ok(Self {
            storage,
            rows,
            cols,
            non_negative,
        })
    }

    /// Number of rows.
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// Values a row.
    pub const fn cols(&self) -> usize {
        self.cols
    }

    /// True when every value was checked to be non-negative.
    pub const fn is_non_negative(&self) -> bool {
        self.non_negative
    }

    /// The storage.
    pub const fn storage(&self) -> Storage<'a> {
        self.storage
    }

    /// True when the rows are stored as i8 with scales.
    pub const fn is_quantised(&self) -> bool {
        matches!(self.storage, Storage::I8 { .. })
    }

    /// Value `(i, j)` as the matrix stands for it: `h_ij`, or
    /// `scale_i · q_ij` rounded to f32. Panics outside the matrix.
    pub fn value(&self, i: usize, j: usize) -> f32 {
        match self.storage {
            Storage::F32(v) => v[i * self.cols + j],
            Storage::I8 { q, scales } => scales[i] * f32::from(q[i * self.cols + j]),
        }
    }

    /// Dot product of row `i` with `x` (at least `cols` values), as the module
    /// defines it. Panics when `i` is not a row.
    pub fn dot(&self, i: usize, x: &[f32]) -> f32 {
        let c = self.cols;
        match self.storage {
            Storage::F32(v) => dot(&v[i * c..(i + 1) * c], x),
            Storage::I8 { q, scales } => scales[i] * dot(&q[i * c..(i + 1) * c], x),
        }
    }

    /// `out[i] = row_i · x` for every row, four rows at a time sharing the
    /// loads of `x` (bit-identical to [`Rows::dot`] a row). `x` holds `cols`
    /// values and `out` `rows` values: the caller's promise (checked by the
    /// stages that own the buffers).
    pub fn mul(&self, x: &[f32], out: &mut [f32]) {
        match self.storage {
            Storage::F32(v) => mul4(v, self.cols, x, out, |_, s| s),
            Storage::I8 { q, scales } => mul4(q, self.cols, x, out, |i, s| scales[i] * s),
        }
    }

    /// `Σ_t value(i, t) · value(j, t)` in f32 (the Gram entry of rows `i`
    /// and `j`), for the consistency check of a Gram matrix: left to right for
    /// f32 rows; `scale_i · scale_j · Σ_t q_it q_jt` for i8 rows, the sum in
    /// exact integers.
    pub fn gram_entry(&self, i: usize, j: usize) -> f32 {
        let c = self.cols;
        match self.storage {
            Storage::F32(v) => dot(&v[i * c..(i + 1) * c], &v[j * c..(j + 1) * c]),
            Storage::I8 { q, scales } => {
                let s: i64 = q[i * c..(i + 1) * c]
                    .iter()
                    .zip(&q[j * c..(j + 1) * c])
                    .map(|(&a, &b)| i64::from(i32::from(a) * i32::from(b)))
                    .sum();
                scales[i] * scales[j] * s as f32
            }
        }
    }
}

/// `out[i] = finish(i, Σ_j v_ij x_j)`, four rows at a time.
#[inline(always)]
fn mul4<W: Weight>(
    v: &[W],
    cols: usize,
    x: &[f32],
    out: &mut [f32],
    finish: impl Fn(usize, f32) -> f32,
) {
    let x = &x[..cols];
    let blocked = out.len() - out.len() % 4;
    for (b, (ys, rows)) in out[..blocked]
        .chunks_exact_mut(4)
        .zip(v.chunks_exact(4 * cols))
        .enumerate()
    {
        let (r0, rest) = rows.split_at(cols);
        let (r1, rest) = rest.split_at(cols);
        let (r2, r3) = rest.split_at(cols);
        let s = dot4([r0, r1, r2, r3], x);
        for (t, (y, s)) in ys.iter_mut().zip(s).enumerate() {
            *y = finish(4 * b + t, s);
        }
    }
    for (i, y) in out.iter_mut().enumerate().skip(blocked) {
        *y = finish(i, dot(&v[i * cols..(i + 1) * cols], x));
    }
}
