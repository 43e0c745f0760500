//! A contact sheet of a dataset: one person per row, their name at the left
//! (drawn with a tiny built-in 5 x 7 bitmap font, no system fonts), then
//! their first faces.

use super::decode::{write_png, Image8};
use super::{Dataset, Result};
use std::path::Path;

/// 5 x 7 glyphs, each row 5 characters (`#` = ink). Lowercase is drawn as uppercase.
const GLYPHS: &[(char, [&str; 7])] = &[
    (
        'A',
        [
            " ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
    ),
    (
        'B',
        [
            "#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### ",
        ],
    ),
    (
        'C',
        [
            " ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### ",
        ],
    ),
    (
        'D',
        [
            "#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### ",
        ],
    ),
    (
        'E',
        [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####",
        ],
    ),
    (
        'F',
        [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    ",
        ],
    ),
    (
        'G',
        [
            " ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####",
        ],
    ),
    (
        'H',
        [
            "#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
    ),
    (
        'I',
        [
            " ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        ],
    ),
    (
        'J',
        [
            "  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  ",
        ],
    ),
    (
        'K',
        [
            "#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #",
        ],
    ),
    (
        'L',
        [
            "#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####",
        ],
    ),
    (
        'M',
        [
            "#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #",
        ],
    ),
    (
        'N',
        [
            "#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #",
        ],
    ),
    (
        'O',
        [
            " ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
    ),
    (
        'P',
        [
            "#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    ",
        ],
    ),
    (
        'Q',
        [
            " ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #",
        ],
    ),
    (
        'R',
        [
            "#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #",
        ],
    ),
    (
        'S',
        [
            " ####", "#    ", "#    ", " ### ", "    #", "    #", "#### ",
        ],
    ),
    (
        'T',
        [
            "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
    ),
    (
        'U',
        [
            "#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
    ),
    (
        'V',
        [
            "#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  ",
        ],
    ),
    (
        'W',
        [
            "#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # ",
        ],
    ),
    (
        'X',
        [
            "#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #",
        ],
    ),
    (
        'Y',
        [
            "#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
    ),
    (
        'Z',
        [
            "#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####",
        ],
    ),
    (
        '0',
        [
            " ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### ",
        ],
    ),
    (
        '1',
        [
            "  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        ],
    ),
    (
        '2',
        [
            " ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####",
        ],
    ),
    (
        '3',
        [
            "#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### ",
        ],
    ),
    (
        '4',
        [
            "   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # ",
        ],
    ),
    (
        '5',
        [
            "#####", "#    ", "#### ", "    #", "    #", "#   #", " ### ",
        ],
    ),
    (
        '6',
        [
            "  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### ",
        ],
    ),
    (
        '7',
        [
            "#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   ",
        ],
    ),
    (
        '8',
        [
            " ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### ",
        ],
    ),
    (
        '9',
        [
            " ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  ",
        ],
    ),
    (
        '-',
        [
            "     ", "     ", "     ", "#####", "     ", "     ", "     ",
        ],
    ),
    (
        '_',
        [
            "     ", "     ", "     ", "     ", "     ", "     ", "#####",
        ],
    ),
    (
        '.',
        [
            "     ", "     ", "     ", "     ", "     ", " ##  ", " ##  ",
        ],
    ),
    (
        '\'',
        [
            "  #  ", "  #  ", " #   ", "     ", "     ", "     ", "     ",
        ],
    ),
    (
        '(',
        [
            "   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # ",
        ],
    ),
    (
        ')',
        [
            " #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   ",
        ],
    ),
    (
        '%',
        [
            "##  #", "## # ", "   # ", "  #  ", " #   ", "# ## ", "#  ##",
        ],
    ),
    (
        ':',
        [
            "     ", "  #  ", "  #  ", "     ", "  #  ", "  #  ", "     ",
        ],
    ),
    (
        '/',
        [
            "    #", "   # ", "   # ", "  #  ", " #   ", " #   ", "#    ",
        ],
    ),
    (
        ',',
        [
            "     ", "     ", "     ", "     ", "  #  ", "  #  ", " #   ",
        ],
    ),
    (
        '=',
        [
            "     ", "     ", "#####", "     ", "#####", "     ", "     ",
        ],
    ),
    (
        '+',
        [
            "     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     ",
        ],
    ),
    (
        '?',
        [
            " ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  ",
        ],
    ),
];

pub(crate) fn glyph(c: char) -> Option<&'static [&'static str; 7]> {
    let c = c.to_ascii_uppercase();
    GLYPHS.iter().find(|(g, _)| *g == c).map(|(_, rows)| rows)
}

/// Draws `text` in `ink` at (`x`, `y`) with each font pixel `scale` x `scale`;
/// unknown characters are drawn as `?`, spaces as blank.
pub(crate) fn draw_text(img: &mut Image8, text: &str, x: usize, y: usize, scale: usize, ink: u8) {
    for (k, c) in text.chars().enumerate() {
        if c == ' ' {
            continue;
        }
        let Some(rows) = glyph(c).or_else(|| glyph('?')) else {
            continue;
        };
        for (r, row) in rows.iter().enumerate() {
            for (col, b) in row.bytes().enumerate() {
                if b != b'#' {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let px = x + (k * 6 + col) * scale + dx;
                        let py = y + r * scale + dy;
                        if px < img.width && py < img.height {
                            img.data[py * img.width + px] = ink;
                        }
                    }
                }
            }
        }
    }
}

/// Renders the contact sheet: up to `people` people (all when `None`), one per
/// row in label order, each with its name and its first `per_row` images.
pub fn render(ds: &Dataset, per_row: usize, people: Option<usize>) -> Image8 {
    let (h, w) = (ds.height, ds.width);
    let gap = 2;
    let scale = if h >= 24 { 2 } else { 1 };
    let rows: Vec<usize> = (0..ds.class_names.len())
        .take(people.unwrap_or(usize::MAX))
        .collect();
    let name_chars = rows
        .iter()
        .map(|&c| ds.class_names[c].chars().count() + 6)
        .max()
        .unwrap_or(1);
    let label_w = name_chars * 6 * scale + 2 * gap;
    let width = label_w + per_row * (w + gap) + gap;
    let row_h = h.max(7 * scale) + gap;
    let height = rows.len() * row_h + gap;
    let mut img = Image8 {
        width,
        height,
        channels: 1,
        data: vec![255; width * height],
    };
    for (r, &c) in rows.iter().enumerate() {
        let y0 = gap + r * row_h;
        let members: Vec<usize> = (0..ds.len())
            .filter(|&i| usize::from(ds.labels[i]) == c)
            .collect();
        let label = format!("{} ({})", ds.class_names[c], members.len());
        draw_text(
            &mut img,
            &label,
            gap,
            y0 + (h.saturating_sub(7 * scale)) / 2,
            scale,
            0,
        );
        for (k, &i) in members.iter().take(per_row).enumerate() {
            let x0 = label_w + k * (w + gap);
            for (rr, row) in ds.image(i).chunks_exact(w).enumerate() {
                let line = &mut img.data[(y0 + rr) * width + x0..(y0 + rr) * width + x0 + w];
                for (dst, &v) in line.iter_mut().zip(row) {
                    *dst = super::gray8(v);
                }
            }
        }
    }
    img
}

/// Writes the contact sheet of `ds` to `path` as a PNG (atomically).
pub fn write(ds: &Dataset, path: &Path, per_row: usize, people: Option<usize>) -> Result<()> {
    write_png(path, &render(ds, per_row, people))
}
