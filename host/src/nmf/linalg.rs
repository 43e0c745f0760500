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

/// `AᵀA` (`cols×cols`, row-major) of a row-major `rows×cols` matrix `a`:
/// the Gram matrix of its columns, by [`gemm64`].
pub fn gram64(a: &[f64], (rows, cols): (usize, usize)) -> Vec<f64> {
    let mut g = vec![0.0f64; cols * cols];
    gemm64(&mut g, a, (rows, cols), true, a, (rows, cols), false, false);
    g
}

/// Rows of `C` per task when a product is split by rows (see [`product`]).
const ROW_BLOCK: usize = 256;

/// The one body of [`gemm`] and [`gemm64`] (`one` is the scalar 1).
///
/// A product with enough rows runs as independent single-threaded GEMMs on
/// blocks of [`ROW_BLOCK`] rows of `C` (and of `op(a)`), spread over the
/// rayon pool. On the 2-core machine faer's own parallel split of the
/// study's products (`X Hᵀ`: 2063×5655 · 5655×110) ran at 81 GFLOP/s, the
/// row blocks at 106–112 (the rate OpenBLAS reaches; `examples`-style probe,
/// best of 7). The blocks do not depend on the thread count, so neither
/// does the result.
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
    use rayon::prelude::*;
    let a = MatRef::from_row_major_slice(a, a_rows, a_cols);
    let b = MatRef::from_row_major_slice(b, b_rows, b_cols);
    let a = if ta { a.transpose() } else { a };
    let b = if tb { b.transpose() } else { b };
    assert_eq!(a.ncols(), b.nrows(), "gemm: inner dimensions differ");
    let (m, n) = (a.nrows(), b.ncols());
    assert_eq!(c.len(), m * n, "gemm: output has the wrong size");
    let acc = if accumulate {
        Accum::Add
    } else {
        Accum::Replace
    };
    if m < 2 * ROW_BLOCK || n == 0 {
        let c = MatMut::from_row_major_slice_mut(c, m, n);
        matmul(c, acc, a, b, one, par());
        return;
    }
    c.par_chunks_mut(ROW_BLOCK * n)
        .enumerate()
        .for_each(|(i, cb)| {
            let rows = cb.len() / n;
            let cb = MatMut::from_row_major_slice_mut(cb, rows, n);
            let ab = a.subrows(i * ROW_BLOCK, rows);
            matmul(cb, acc, ab, b, one.clone(), Par::Seq);
        });
}

/// `g (k×k) = aᵀ a` for `a` stored `m×k` (the Gram matrices `H Hᵀ` and
/// `Wᵀ W` of the solvers): the lower triangle through faer's triangular
/// product, then mirrored, so `g` is exactly symmetric. Half the
/// multiply-adds of [`gemm`]; on the study's shapes (`m` = 1650–5655,
/// `k` = 110–200) it took 0.60–0.70 of the full product's time (best of 15,
/// one run). Same f32 accuracy as [`gemm`], another order of rounding.
pub fn gram(g: &mut [f32], a: &[f32], m: usize, k: usize) {
    use faer::linalg::matmul::triangular::{matmul as tri, BlockStructure};
    assert_eq!(a.len(), m * k, "gram: input has the wrong size");
    assert_eq!(g.len(), k * k, "gram: output has the wrong size");
    let a = MatRef::from_row_major_slice(a, m, k);
    tri(
        MatMut::from_row_major_slice_mut(g, k, k),
        BlockStructure::TriangularLower,
        Accum::Replace,
        a.transpose(),
        BlockStructure::Rectangular,
        a,
        BlockStructure::Rectangular,
        1.0f32,
        par(),
    );
    for i in 0..k {
        for j in i + 1..k {
            g[i * k + j] = g[j * k + i];
        }
    }
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
        .map(|(xa, wa)| diff_sq(xa, wa))
        .sum()
}

/// Sum of squares in f64.
pub fn sum_sq(x: &[f32]) -> f64 {
    use rayon::prelude::*;
    x.par_chunks(4096).map(|c| diff_sq(c, &[])).sum()
}

/// `Σ (a − b)²` in f64 (`b` empty: `Σ a²`), over eight interleaved
/// accumulators: one running sum is a chain of dependent additions (one
/// every four cycles), eight let the compiler keep two vector registers
/// busy. Same f64 precision, another order of rounding.
fn diff_sq(a: &[f32], b: &[f32]) -> f64 {
    debug_assert!(b.is_empty() || b.len() == a.len());
    let mut acc = [0.0f64; 8];
    let term = |i: usize| {
        let r = (a[i] - b.get(i).copied().unwrap_or(0.0)) as f64;
        r * r
    };
    let whole = a.len() / 8 * 8;
    if b.is_empty() {
        for c in a[..whole].chunks_exact(8) {
            for (s, &v) in acc.iter_mut().zip(c) {
                *s += (v as f64) * (v as f64);
            }
        }
    } else {
        for (c, e) in a[..whole].chunks_exact(8).zip(b[..whole].chunks_exact(8)) {
            for ((s, &u), &v) in acc.iter_mut().zip(c).zip(e) {
                let r = (u - v) as f64;
                *s += r * r;
            }
        }
    }
    (whole..a.len()).map(term).sum::<f64>() + acc.iter().sum::<f64>()
}

/// `Σ a_i b_i` in f64 (equal lengths), over eight accumulators per chunk
/// as [`sum_sq`].
pub fn dot(a: &[f32], b: &[f32]) -> f64 {
    use rayon::prelude::*;
    assert_eq!(a.len(), b.len(), "dot: lengths differ");
    a.par_chunks(4096)
        .zip(b.par_chunks(4096))
        .map(|(a, b)| {
            let mut acc = [0.0f64; 8];
            let whole = a.len() / 8 * 8;
            for (c, e) in a[..whole].chunks_exact(8).zip(b[..whole].chunks_exact(8)) {
                for ((s, &u), &v) in acc.iter_mut().zip(c).zip(e) {
                    *s += u as f64 * v as f64;
                }
            }
            let tail: f64 = (whole..a.len()).map(|i| a[i] as f64 * b[i] as f64).sum();
            tail + acc.iter().sum::<f64>()
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nmf::rng::Rng;

    /// `op(a)·op(b)` by the textbook triple loop, in f64.
    fn naive(
        a: &[f32],
        (ar, ac): (usize, usize),
        ta: bool,
        b: &[f32],
        (br, bc): (usize, usize),
        tb: bool,
    ) -> Vec<f64> {
        let at = |i: usize, j: usize| if ta { a[j * ac + i] } else { a[i * ac + j] } as f64;
        let bt = |i: usize, j: usize| if tb { b[j * bc + i] } else { b[i * bc + j] } as f64;
        let (m, inner) = if ta { (ac, ar) } else { (ar, ac) };
        let n = if tb { br } else { bc };
        let mut c = vec![0.0f64; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..inner).map(|t| at(i, t) * bt(t, j)).sum();
            }
        }
        c
    }

    /// `gram` equals `aᵀa` in f64 and is exactly symmetric (shapes with one
    /// row or column, none, and the solvers' long thin ones).
    #[test]
    fn gram_is_the_symmetric_product() {
        let mut rng = Rng::new(9);
        for (m, k) in [
            (0, 3),
            (1, 1),
            (5, 1),
            (1, 7),
            (37, 13),
            (700, 64),
            (5655, 20),
        ] {
            let a: Vec<f32> = (0..m * k).map(|_| rng.normal().abs() as f32).collect();
            let mut g = vec![f32::NAN; k * k];
            gram(&mut g, &a, m, k);
            let want = naive(&a, (m, k), true, &a, (m, k), false);
            for i in 0..k {
                for j in 0..k {
                    let (got, w) = (g[i * k + j] as f64, want[i * k + j]);
                    assert!(
                        (got - w).abs() <= 1e-5 * (w.abs() + 1.0),
                        "{m}×{k} [{i},{j}]: {got} vs {w}"
                    );
                    assert_eq!(g[i * k + j].to_bits(), g[j * k + i].to_bits());
                }
            }
        }
    }

    /// The eight-lane sums equal the plain f64 sums (lengths around the
    /// lanes and the parallel chunks).
    #[test]
    fn sums_of_squares_match_the_plain_sum() {
        let mut rng = Rng::new(4);
        for len in [0, 1, 7, 8, 9, 23, 4096, 4099, 9000] {
            let a: Vec<f32> = (0..len).map(|_| rng.normal() as f32).collect();
            let b: Vec<f32> = (0..len).map(|_| rng.normal() as f32).collect();
            let plain = |f: &dyn Fn(usize) -> f64| (0..len).map(f).sum::<f64>();
            let want = plain(&|i| (a[i] as f64).powi(2));
            assert!((sum_sq(&a) - want).abs() <= 1e-12 * want.max(1.0), "{len}");
            let want = plain(&|i| a[i] as f64 * b[i] as f64);
            assert!(
                (dot(&a, &b) - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{len}"
            );
            let want = plain(&|i| ((a[i] - b[i]) as f64).powi(2));
            assert!(
                (diff_sq(&a, &b) - want).abs() <= 1e-12 * want.max(1.0),
                "{len}"
            );
        }
        // residual_sq = ‖X − W H‖² through the GEMM.
        let (n, k, d) = (37, 3, 29);
        let x: Vec<f32> = (0..n * d).map(|_| rng.uniform() as f32).collect();
        let w: Vec<f32> = (0..n * k).map(|_| rng.uniform() as f32).collect();
        let h: Vec<f32> = (0..k * d).map(|_| rng.uniform() as f32).collect();
        let wh = naive(&w, (n, k), false, &h, (k, d), false);
        let want: f64 = x
            .iter()
            .zip(&wh)
            .map(|(&a, &b)| (a as f64 - b).powi(2))
            .sum();
        let got = residual_sq(&x, &w, &h, n, k, d, &mut Vec::new());
        assert!((got - want).abs() < 1e-5 * want, "{got} {want}");
    }

    /// Every layout, below and above the row-split threshold (and with a
    /// ragged last block), with and without accumulation, against the f64
    /// triple loop.
    #[test]
    fn gemm_matches_the_triple_loop_in_every_layout() {
        let mut rng = Rng::new(21);
        for m in [7, 2 * ROW_BLOCK - 1, 2 * ROW_BLOCK + 37] {
            let (inner, n) = (53, 19);
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a_shape = if ta { (inner, m) } else { (m, inner) };
                let b_shape = if tb { (n, inner) } else { (inner, n) };
                let a: Vec<f32> = (0..m * inner).map(|_| rng.normal() as f32).collect();
                let b: Vec<f32> = (0..inner * n).map(|_| rng.normal() as f32).collect();
                let want = naive(&a, a_shape, ta, &b, b_shape, tb);
                let start: Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect();
                for accumulate in [false, true] {
                    let mut c = start.clone();
                    gemm(&mut c, &a, a_shape, ta, &b, b_shape, tb, accumulate);
                    for (i, (&got, &w)) in c.iter().zip(&want).enumerate() {
                        let w = if accumulate { w + start[i] as f64 } else { w };
                        assert!(
                            (got as f64 - w).abs() < 1e-4 * (1.0 + w.abs()),
                            "m {m} ta {ta} tb {tb} acc {accumulate} [{i}]: {got} vs {w}"
                        );
                    }
                }
            }
        }
    }
}
