//! Dense row-major f32 products through faer's GEMM, and a few small helpers.
//!
//! Every matrix here is a plain row-major slice with its shape passed beside
//! it; the heavy products (`X Hᵀ`, `Wᵀ X`, `W H`) all go through [`gemm`].

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

/// Parallelism for faer: the global rayon pool.
pub fn par() -> Par {
    Par::rayon(0)
}

/// `c (m×n) = op(a) · op(b) [+ c]`, all row-major.
///
/// `a` is stored as `a_rows × a_cols`; with `ta` it enters transposed (so
/// `op(a)` is `a_cols × a_rows`). Same for `b`.
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    c: &mut [f32],
    a: &[f32],
    a_shape: (usize, usize),
    ta: bool,
    b: &[f32],
    b_shape: (usize, usize),
    tb: bool,
    accumulate: bool,
) {
    product(c, a, a_shape, ta, b, b_shape, tb, accumulate, 1.0f32);
}

/// Same as [`gemm`] in f64 (small matrices: SVD, PCA, LDA).
#[allow(clippy::too_many_arguments)]
pub fn gemm64(
    c: &mut [f64],
    a: &[f64],
    a_shape: (usize, usize),
    ta: bool,
    b: &[f64],
    b_shape: (usize, usize),
    tb: bool,
    accumulate: bool,
) {
    product(c, a, a_shape, ta, b, b_shape, tb, accumulate, 1.0f64);
}

/// The one body of [`gemm`] and [`gemm64`] (`one` is the scalar 1).
#[allow(clippy::too_many_arguments)]
fn product<T: faer::traits::ComplexField>(
    c: &mut [T],
    a: &[T],
    (a_rows, a_cols): (usize, usize),
    ta: bool,
    b: &[T],
    (b_rows, b_cols): (usize, usize),
    tb: bool,
    accumulate: bool,
    one: T,
) {
    let a = MatRef::from_row_major_slice(a, a_rows, a_cols);
    let b = MatRef::from_row_major_slice(b, b_rows, b_cols);
    let a = if ta { a.transpose() } else { a };
    let b = if tb { b.transpose() } else { b };
    assert_eq!(a.ncols(), b.nrows(), "gemm: inner dimensions differ");
    let (m, n) = (a.nrows(), b.ncols());
    let c = MatMut::from_row_major_slice_mut(c, m, n);
    let acc = if accumulate {
        Accum::Add
    } else {
        Accum::Replace
    };
    matmul(c, acc, a, b, one, par());
}

/// `buf (n×d) = w (n×k) · h (k×d)`, resizing `buf` (reused between calls).
pub fn reconstruct(buf: &mut Vec<f32>, w: &[f32], h: &[f32], n: usize, k: usize, d: usize) {
    buf.resize(n * d, 0.0);
    gemm(buf, w, (n, k), false, h, (k, d), false, false);
}

/// Squared Frobenius norm of `x - w h`, in f64; `w` is `n×k`, `h` is `k×d`.
///
/// Builds `w h` in `buf` (`n×d`, reused between calls) with one GEMM.
pub fn residual_sq(
    x: &[f32],
    w: &[f32],
    h: &[f32],
    n: usize,
    k: usize,
    d: usize,
    buf: &mut Vec<f32>,
) -> f64 {
    use rayon::prelude::*;
    reconstruct(buf, w, h, n, k, d);
    x.par_chunks(4096)
        .zip(buf.par_chunks(4096))
        .map(|(xa, wa)| {
            xa.iter()
                .zip(wa)
                .map(|(&a, &b)| {
                    let r = (a - b) as f64;
                    r * r
                })
                .sum::<f64>()
        })
        .sum()
}

/// Sum of squares in f64.
pub fn sum_sq(x: &[f32]) -> f64 {
    use rayon::prelude::*;
    x.par_chunks(4096)
        .map(|c| c.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>())
        .sum()
}

/// Row-major transpose of an `r×c` matrix (blocked, rows of the result in
/// parallel).
pub fn transpose(a: &[f32], r: usize, c: usize) -> Vec<f32> {
    let mut t = vec![0.0f32; r * c];
    transpose_into(&mut t, a, r, c);
    t
}

/// [`transpose`] into `t` (`c×r`, already sized).
pub fn transpose_into(t: &mut [f32], a: &[f32], r: usize, c: usize) {
    use rayon::prelude::*;
    assert_eq!(a.len(), r * c);
    assert_eq!(t.len(), r * c);
    if r == 0 || c == 0 {
        return;
    }
    const B: usize = 32;
    // Each task fills B rows of the result (B columns of `a`).
    t.par_chunks_mut(B * r).enumerate().for_each(|(jb, tb)| {
        let j0 = jb * B;
        let nj = tb.len() / r;
        for i0 in (0..r).step_by(B) {
            let ni = B.min(r - i0);
            for i in i0..i0 + ni {
                let row = &a[i * c + j0..i * c + j0 + nj];
                for (jj, &v) in row.iter().enumerate() {
                    tb[jj * r + i] = v;
                }
            }
        }
    });
}
