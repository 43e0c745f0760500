//! Integral image ("summed-area table") of an 8-bit gray image.
//!
//! For an image of `w x h`, the table has `(w + 1) x (h + 1)` entries, row
//! stride `w + 1`: entry `(r, c)` is the sum of the pixels in rows `0..r`,
//! columns `0..c` (row 0 and column 0 are zero). Any rectangle's sum is then
//! four reads: [`rect_sum`]. Sums are exact in `u32` for images up to
//! [`super::MAX_SIDE`]² pixels (`1024 · 1024 · 255 < 2³²`).

/// Entries the table of a `w x h` image holds.
pub const fn table_len(width: usize, height: usize) -> usize {
    (width + 1) * (height + 1)
}

/// Writes the table of `image` (`width x height`, row-major) into
/// `table[..table_len(width, height)]`. The caller checks the lengths.
pub fn build(image: &[u8], width: usize, height: usize, table: &mut [u32]) {
    clear_top(width, table);
    for r in 0..height {
        add_row(&image[r * width..(r + 1) * width], r, table);
    }
}

/// Zeroes the table's first row (stride `width + 1`).
pub fn clear_top(width: usize, table: &mut [u32]) {
    table[..width + 1].fill(0);
}

/// Writes table row `r + 1` from image row `r` (`row`, the image's width)
/// and table row `r`: rows can come one at a time, e.g. straight from the
/// resampler, with no image buffer. The caller checks the lengths.
pub fn add_row(row: &[u8], r: usize, table: &mut [u32]) {
    let stride = row.len() + 1;
    let (above, rest) = table[r * stride..].split_at_mut(stride);
    let here = &mut rest[..stride];
    here[0] = 0;
    let mut run = 0u32;
    for (c, &p) in row.iter().enumerate() {
        run += u32::from(p);
        here[c + 1] = above[c + 1] + run;
    }
}

/// Sum of rows `y..y+h`, columns `x..x+w` from a table of row stride `stride`.
/// The caller keeps the rectangle inside the image.
#[inline(always)]
pub fn rect_sum(table: &[u32], stride: usize, x: usize, y: usize, w: usize, h: usize) -> u32 {
    let a = y * stride + x;
    let b = (y + h) * stride + x;
    // Wrapping arithmetic: the true sum is non-negative and fits u32, so the
    // wrapped result is exact whatever the order of the four terms.
    table[b + w]
        .wrapping_sub(table[b])
        .wrapping_sub(table[a + w])
        .wrapping_add(table[a])
}
