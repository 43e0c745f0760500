//! A grid of `rows x cols` cells over an image, and how it splits a side that
//! the number of cells does not divide.
//!
//! Along a side of `n` pixels cut into `m` cells, cell `i` covers pixels
//! `⌊i·n/m⌋ .. ⌊(i+1)·n/m⌋` (end excluded). Every pixel lies in exactly one
//! cell, cells are contiguous in order, and their sizes are `⌊n/m⌋` or
//! `⌈n/m⌉`: with `m` dividing `n` every cell has `n/m` pixels, otherwise the
//! larger cells are spread along the side (e.g. 46 rows in 6 cells: 7, 8, 8,
//! 7, 8, 8). A cell is never empty when `1 ≤ m ≤ n`.

use core::ops::Range;

/// Cells down and across an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Grid {
    /// Cells down (along the height).
    pub rows: usize,
    /// Cells across (along the width).
    pub cols: usize,
}

impl Grid {
    /// A grid of `rows x cols` cells (checked against an image by the
    /// stage that uses it).
    pub const fn new(rows: usize, cols: usize) -> Self {
        Self { rows, cols }
    }

    /// Number of cells.
    pub const fn cells(&self) -> usize {
        self.rows * self.cols
    }
}

/// The pixels of cell `i` along a side of `n` pixels cut into `m` cells:
/// `⌊i·n/m⌋ .. ⌊(i+1)·n/m⌋`. Needs `m ≥ 1`; exact for `(i+1)·n` within `usize`.
pub const fn split(n: usize, m: usize, i: usize) -> Range<usize> {
    (i * n / m)..((i + 1) * n / m)
}
