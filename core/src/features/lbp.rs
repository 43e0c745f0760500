//! Uniform LBP histograms: local binary patterns of 8 neighbours at radius 1,
//! counted in the 59 bins of [`super::uniform`] per cell of a grid.
//!
//! # Codes
//! A pixel's code has bit `p` set when neighbour `p` is greater than or
//! equal to the centre (`>=`, as scikit-image compares; OpenCV's
//! `olbp` also uses `>=`). The neighbours are the 3 x 3 square around the
//! centre, counter-clockwise from the right as scikit-image numbers them
//! (rows go down, row `y − 1` is above):
//!
//! | bit | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 |
//! |---|---|---|---|---|---|---|---|---|
//! | (row, col) offset | (0, +1) | (−1, +1) | (−1, 0) | (−1, −1) | (0, −1) | (+1, −1) | (+1, 0) | (+1, +1) |
//!
//! The diagonal neighbours are the pixels themselves, not scikit-image's
//! bilinear interpolation at distance 1, so every bit is one exact f32
//! comparison of two thumbnail values (host and chip agree bit for bit) and
//! the codes can differ from scikit-image's where a diagonal bit is close.
//!
//! # Border and cells
//! Only interior pixels have a code: a `w x h` thumbnail gives a
//! `(w − 2) x (h − 2)` image of codes (so `w, h ≥ 3`). The grid splits that
//! code image by [`super::grid::split`]; each code counts in exactly one cell.
//!
//! # Mirror
//! With `mirror`, each cell also counts the codes of the mirror image (the
//! thumbnail flipped left to right) that fall in the same cell: the codes of
//! the mirrored columns, each read as its [`mirrored`](super::uniform::mirrored)
//! pattern. The histogram is then that of the thumbnail and its mirror
//! together, the same for a face and its mirror image when the cells are
//! placed symmetrically, and nearly so otherwise. No second image is made:
//! cell columns `xs` of the mirror are code columns
//! `code_w − xs.end .. code_w − xs.start` of the thumbnail.
//!
//! # Output
//! Cell `(i, j)` (row `i`, column `j`, row-major) fills values
//! `(i·cols + j)·59 ..` with its histogram: the count of each bin divided by
//! the number of codes counted (one correctly rounded f32 division of two
//! integers; each cell sums to 1 up to rounding). With `sqrt`, each value is
//! then replaced by its correctly rounded f32 square root (libm's `sqrtf`),
//! the Hellinger form of the histogram (each cell's squares sum to 1).
//! Non-negative, as the NMF needs. No L2 normalisation here.
//!
//! # Cost, per thumbnail
//! Per interior pixel: 8 f32 comparisons, 1 lookup in a 256-byte table and
//! 1 integer increment. Per cell: 59 divisions and stores, and 59 counters
//! zeroed. For 64 x 48 in 8 x 6 cells: 2852 pixels → 22 816 comparisons,
//! 2852 lookups and increments; 48 cells → 2832 divisions. `mirror` counts
//! every code twice (the comparisons and lookups twice); `sqrt` adds one
//! square root a value. Stack: 59 `u32` counters.

use super::grid::{split, Grid};
use super::uniform::{BINS, BIN_OF, MIRRORED_BIN_OF};

/// The code of the centre `mid[1]` of the 3 x 3 block whose rows are the
/// first three values of `up`, `mid` and `down` (left to right; the caller
/// passes windows of three).
#[inline(always)]
fn code(up: &[f32], mid: &[f32], down: &[f32]) -> u8 {
    let c = mid[1];
    u8::from(mid[2] >= c)
        | u8::from(up[2] >= c) << 1
        | u8::from(up[1] >= c) << 2
        | u8::from(up[0] >= c) << 3
        | u8::from(mid[0] >= c) << 4
        | u8::from(down[0] >= c) << 5
        | u8::from(down[1] >= c) << 6
        | u8::from(down[2] >= c) << 7
}

/// Adds the codes of `thumb` (`width` wide) at code rows `ys` and code
/// columns `xs` to `counts`, each in the bin `bins` gives its pattern.
fn count(
    thumb: &[f32],
    width: usize,
    (ys, xs): (core::ops::Range<usize>, core::ops::Range<usize>),
    bins: &[u8; 256],
    counts: &mut [u32; BINS],
) {
    for y in ys {
        // Code row y is thumbnail row y + 1; code column x is thumbnail
        // column x + 1, the centre of window x.
        let row = |r: usize| &thumb[r * width + xs.start..r * width + xs.end + 2];
        let (up, mid, down) = (row(y), row(y + 1), row(y + 2));
        let windows = up.windows(3).zip(mid.windows(3)).zip(down.windows(3));
        for ((u, m), d) in windows {
            counts[usize::from(bins[usize::from(code(u, m, d))])] += 1;
        }
    }
}

/// Writes the histograms of a `width x height` thumbnail (row-major) into
/// `out`, with the mirror's codes when `mirror`, square-rooted when `sqrt`.
/// The caller has checked `width, height ≥ 3`, the grid against the code
/// image, `thumb.len() == width·height` and `out.len() == grid.cells()·59`.
pub(super) fn histograms(
    thumb: &[f32],
    (width, height): (usize, usize),
    grid: Grid,
    (mirror, sqrt): (bool, bool),
    out: &mut [f32],
) {
    let (code_w, code_h) = (width - 2, height - 2);
    let mut cells = out.as_chunks_mut::<BINS>().0.iter_mut();
    for i in 0..grid.rows {
        let ys = split(code_h, grid.rows, i);
        for j in 0..grid.cols {
            let xs = split(code_w, grid.cols, j);
            let mut counts = [0u32; BINS];
            count(thumb, width, (ys.clone(), xs.clone()), &BIN_OF, &mut counts);
            let mut n = ys.len() * xs.len();
            if mirror {
                let xm = code_w - xs.end..code_w - xs.start;
                count(
                    thumb,
                    width,
                    (ys.clone(), xm),
                    &MIRRORED_BIN_OF,
                    &mut counts,
                );
                n *= 2;
            }
            let n = n as f32;
            if let Some(hist) = cells.next() {
                for (h, &c) in hist.iter_mut().zip(&counts) {
                    let v = c as f32 / n;
                    *h = if sqrt { libm::sqrtf(v) } else { v };
                }
            }
        }
    }
}
