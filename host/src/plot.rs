//! Line charts as PNG, self-contained: the axes, ticks and labels are drawn
//! with the built-in 5x7 font of the contact sheets, so a fresh machine needs
//! no font or plotting library.

use std::path::Path;

use anyhow::{ensure, Result};

use crate::data::decode::{write_png, Image8};
use crate::data::sheet::glyph;

/// One line of the chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// `(x, y)` points, drawn in this order.
    pub points: Vec<(f64, f64)>,
    /// Draw the points only, no connecting line.
    pub scatter: bool,
}

/// A chart: title, axis labels, series.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Title above the plot.
    pub title: String,
    /// Label under the x axis.
    pub x_label: String,
    /// Label left of the y axis (drawn horizontally above it).
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
}

const W: usize = 900;
const H: usize = 560;
const LEFT: usize = 80;
const RIGHT: usize = 240;
const TOP: usize = 50;
const BOTTOM: usize = 60;
const PALETTE: [[u8; 3]; 12] = [
    [31, 119, 180],
    [214, 39, 40],
    [44, 160, 44],
    [255, 127, 14],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [23, 190, 207],
    [188, 189, 34],
    [127, 127, 127],
    [0, 0, 128],
    [128, 0, 0],
];

struct Canvas(Image8);

impl Canvas {
    fn new() -> Self {
        Self(Image8 {
            width: W,
            height: H,
            channels: 3,
            data: vec![255; W * H * 3],
        })
    }

    fn put(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < W && (y as usize) < H {
            let i = (y as usize * W + x as usize) * 3;
            self.0.data[i..i + 3].copy_from_slice(&c);
        }
    }

    /// A line of width 2 (Bresenham).
    fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), c: [u8; 3]) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err) = (x0, y0, dx + dy);
        loop {
            self.put(x, y, c);
            self.put(x + 1, y, c);
            self.put(x, y + 1, c);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn marker(&mut self, (x, y): (i64, i64), c: [u8; 3]) {
        for dy in -3..=3 {
            for dx in -3..=3 {
                self.put(x + dx, y + dy, c);
            }
        }
    }

    /// Text with its top-left corner at (`x`, `y`), font pixels 2x2.
    fn text(&mut self, s: &str, x: i64, y: i64, c: [u8; 3]) {
        for (k, ch) in s.chars().enumerate() {
            let Some(rows) = glyph(ch).or_else(|| if ch == ' ' { None } else { glyph('?') }) else {
                continue;
            };
            for (r, row) in rows.iter().enumerate() {
                for (col, b) in row.bytes().enumerate() {
                    if b == b'#' {
                        for d in 0..4 {
                            self.put(
                                x + (k as i64 * 6 + col as i64) * 2 + d % 2,
                                y + r as i64 * 2 + d / 2,
                                c,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Width in pixels of `s` as [`Canvas::text`] draws it.
fn text_width(s: &str) -> i64 {
    s.chars().count() as i64 * 12
}

/// Round tick positions covering `[lo, hi]`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + 1e-9 * span {
        out.push(t);
        t += step;
    }
    out
}

fn label(v: f64) -> String {
    if v.abs() >= 1000.0 {
        return format!("{v:.0}");
    }
    // Two decimals at most, without trailing zeros; never "-0".
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Renders `chart` to a PNG at `path` (atomically).
pub fn write(chart: &Chart, path: &Path) -> Result<()> {
    let pts: Vec<(f64, f64)> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    ensure!(!pts.is_empty(), "nothing to plot for `{}`", chart.title);
    ensure!(
        pts.iter().all(|(x, y)| x.is_finite() && y.is_finite()),
        "a point of `{}` is not finite",
        chart.title
    );
    let (mut x0, mut x1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (mut y0, mut y1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    if x1 - x0 < 1e-12 {
        (x0, x1) = (x0 - 1.0, x1 + 1.0);
    }
    if y1 - y0 < 1e-12 {
        (y0, y1) = (y0 - 1.0, y1 + 1.0);
    }
    let pad = 0.05 * (y1 - y0);
    (y0, y1) = (y0 - pad, y1 + pad);
    let (pw, ph) = ((W - LEFT - RIGHT) as f64, (H - TOP - BOTTOM) as f64);
    let px = |x: f64| LEFT as i64 + ((x - x0) / (x1 - x0) * pw).round() as i64;
    let py = |y: f64| (H - BOTTOM) as i64 - ((y - y0) / (y1 - y0) * ph).round() as i64;

    let mut c = Canvas::new();
    let (ink, grid) = ([0, 0, 0], [225, 225, 225]);
    for t in ticks(y0, y1) {
        c.line((LEFT as i64, py(t)), ((W - RIGHT) as i64, py(t)), grid);
        let s = label(t);
        c.text(&s, LEFT as i64 - 8 - text_width(&s), py(t) - 7, ink);
    }
    for t in ticks(x0, x1) {
        c.line((px(t), TOP as i64), (px(t), (H - BOTTOM) as i64), grid);
        let s = label(t);
        c.text(&s, px(t) - text_width(&s) / 2, (H - BOTTOM) as i64 + 8, ink);
    }
    c.line(
        (LEFT as i64, TOP as i64),
        (LEFT as i64, (H - BOTTOM) as i64),
        ink,
    );
    c.line(
        (LEFT as i64, (H - BOTTOM) as i64),
        ((W - RIGHT) as i64, (H - BOTTOM) as i64),
        ink,
    );
    c.text(
        &chart.title,
        (W as i64 - text_width(&chart.title)) / 2,
        12,
        ink,
    );
    c.text(&chart.y_label, 8, TOP as i64 - 20, ink);
    c.text(
        &chart.x_label,
        LEFT as i64 + (pw as i64 - text_width(&chart.x_label)) / 2,
        H as i64 - 26,
        ink,
    );
    for (i, s) in chart.series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let mapped: Vec<(i64, i64)> = s.points.iter().map(|&(x, y)| (px(x), py(y))).collect();
        if !s.scatter {
            for w in mapped.windows(2) {
                c.line(w[0], w[1], colour);
            }
        }
        for &p in &mapped {
            c.marker(p, colour);
        }
        let ly = TOP as i64 + 10 + 24 * i as i64;
        c.marker(((W - RIGHT) as i64 + 20, ly + 6), colour);
        c.text(&s.name, (W - RIGHT) as i64 + 32, ly, ink);
    }
    Ok(write_png(path, &c.0)?)
}
