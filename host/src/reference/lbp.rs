//! Uniform LBP cell histograms written for obviousness: one pixel at a time,
//! neighbours from a table of offsets, the bin of a pattern by scikit-image's
//! `nri_uniform` rule, the cell of a pixel by search, counts in integers and
//! the final division in f64.
//!
//! The definitions are those `facenmf_core::features::lbp` documents: codes
//! for interior pixels only, bit `p` set when neighbour `p` ≥ centre,
//! neighbours counter-clockwise from the right; cell `i` of `m` along a side
//! of `n` code pixels starts at `⌊i·n/m⌋`; each cell's counts divided by its
//! number of codes.

/// `(row, col)` offsets of neighbours 0..8: counter-clockwise from the right,
/// rows going down.
pub const NEIGHBOURS: [(isize, isize); 8] = [
    (0, 1),
    (-1, 1),
    (-1, 0),
    (-1, -1),
    (0, -1),
    (1, -1),
    (1, 0),
    (1, 1),
];

/// The 8-bit pattern of thumbnail pixel `(row, col)`, an interior pixel
/// (`1 ≤ row < height − 1`, `1 ≤ col < width − 1`).
pub fn pattern(thumb: &[f32], width: usize, row: usize, col: usize) -> u8 {
    let at = |r: isize, c: isize| f64::from(thumb[r as usize * width + c as usize]);
    let (row, col) = (row as isize, col as isize);
    let centre = at(row, col);
    let mut code = 0u8;
    for (p, (dr, dc)) in NEIGHBOURS.iter().enumerate() {
        if at(row + dr, col + dc) >= centre {
            code |= 1 << p;
        }
    }
    code
}

/// Bit `i` of `pattern` as 0 or 1.
fn bit(pattern: u8, i: usize) -> u8 {
    (pattern >> i) & 1
}

/// Changes between neighbouring bits going once around the circle.
pub fn transitions(pattern: u8) -> usize {
    (0..8)
        .filter(|&i| bit(pattern, i) != bit(pattern, (i + 1) % 8))
        .count()
}

/// The bin of `pattern`, as scikit-image's `_local_binary_pattern` computes
/// it for `method='nri_uniform'`, P = 8.
pub fn nri_uniform_bin(pattern: u8) -> usize {
    const P: usize = 8;
    if transitions(pattern) > 2 {
        return P * (P - 1) + 2;
    }
    let mut n_ones = 0;
    let mut first_one = None;
    let mut first_zero = None;
    for i in 0..P {
        if bit(pattern, i) == 1 {
            n_ones += 1;
            first_one.get_or_insert(i);
        } else {
            first_zero.get_or_insert(i);
        }
    }
    match (first_one, first_zero) {
        (None, _) => 0,
        (_, None) => P * (P - 1) + 1,
        (Some(first_one), Some(first_zero)) => {
            let rot_index = if first_one == 0 {
                n_ones - first_zero
            } else {
                P - first_one
            };
            1 + (n_ones - 1) * P + rot_index
        }
    }
}

/// The cell (of `cells`) holding pixel `p` along a side of `n` pixels: the
/// last cell whose first pixel `⌊i·n/cells⌋` is at or before `p`.
pub fn cell_of(p: usize, n: usize, cells: usize) -> usize {
    (0..cells).rev().find(|&i| i * n / cells <= p).unwrap_or(0)
}

/// The LBP features of a `width x height` thumbnail over a `rows x cols`
/// grid: cell after cell (row-major), 59 values each. With `mirror` each
/// cell also counts the codes of the mirror image (the thumbnail flipped
/// left to right, made here pixel by pixel) in the same cell; with `sqrt`
/// each value is the square root of the f32 histogram value.
///
/// Errors when the thumbnail is smaller than 3 x 3, does not hold
/// `width * height` values, or a cell would hold no code.
pub fn histograms(
    thumb: &[f32],
    (width, height): (usize, usize),
    (rows, cols): (usize, usize),
    (mirror, sqrt): (bool, bool),
) -> anyhow::Result<Vec<f32>> {
    anyhow::ensure!(
        width >= 3 && height >= 3,
        "thumbnail of {width} x {height} is smaller than 3 x 3"
    );
    anyhow::ensure!(
        thumb.len() == width * height,
        "thumbnail holds {} values, expected {width} x {height}",
        thumb.len()
    );
    let (code_w, code_h) = (width - 2, height - 2);
    anyhow::ensure!(
        (1..=code_h).contains(&rows) && (1..=code_w).contains(&cols),
        "grid of {rows} x {cols} cells over {code_h} x {code_w} codes"
    );
    let flipped: Vec<f32> = thumb
        .chunks(width)
        .flat_map(|row| row.iter().rev().copied())
        .collect();
    let images: &[&[f32]] = if mirror { &[thumb, &flipped] } else { &[thumb] };
    let mut counts = vec![[0u64; 59]; rows * cols];
    let mut codes_in_cell = vec![0u64; rows * cols];
    for image in images {
        for y in 0..code_h {
            for x in 0..code_w {
                let cell = cell_of(y, code_h, rows) * cols + cell_of(x, code_w, cols);
                counts[cell][nri_uniform_bin(pattern(image, width, y + 1, x + 1))] += 1;
                codes_in_cell[cell] += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(rows * cols * 59);
    for (cell, n) in counts.iter().zip(&codes_in_cell) {
        for &c in cell {
            // Both integers are exact in f64 and the f64 quotient rounds to
            // the correctly rounded f32 one (53 ≥ 2·24 + 2 bits); so does
            // the f64 square root of an f32.
            let v = (c as f64 / *n as f64) as f32;
            out.push(if sqrt { f64::from(v).sqrt() as f32 } else { v });
        }
    }
    Ok(out)
}
