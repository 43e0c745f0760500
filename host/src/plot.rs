//! Line charts drawn with `plotters`: SVG when the path ends in `.svg` (for
//! `docs/`, crisp in a browser), PNG otherwise. Text is set (PNG) and
//! measured (both) in DejaVu Sans, embedded by the `dejavu` crate, so a
//! fresh machine needs no system font.
//! The legend sits right of the plot area, never over the data. Files are
//! written atomically.

use std::path::Path;
use std::sync::OnceLock;

use anyhow::{anyhow, ensure, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

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

/// A chart: title, axis titles, series.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Title above the plot.
    pub title: String,
    /// Title of the x axis.
    pub x_label: String,
    /// Title of the y axis.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
}

/// Size of the picture in pixels (SVG user units).
const W: u32 = 960;
const H: u32 = 560;
/// Width of the legend column right of the plot.
const LEGEND: u32 = 280;
/// The family name the embedded font is registered under.
const FAMILY: &str = "sans-serif";
/// Tableau-10 colours, then two dark ones.
const PALETTE: [(u8, u8, u8); 12] = [
    (31, 119, 180),
    (214, 39, 40),
    (44, 160, 44),
    (255, 127, 14),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (23, 190, 207),
    (188, 189, 34),
    (127, 127, 127),
    (0, 0, 128),
    (128, 0, 0),
];

/// Registers DejaVu Sans with plotters once (text is measured and drawn with it).
fn register_font() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
    });
    ensure!(ok, "the embedded DejaVu Sans font did not load");
    Ok(())
}

/// The data's range on each axis, padded so no point sits on the frame.
fn ranges(chart: &Chart) -> Result<((f64, f64), (f64, f64))> {
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
    let span = |f: fn(&(f64, f64)) -> f64| {
        let (lo, hi) = pts
            .iter()
            .map(f)
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        if hi - lo < 1e-12 {
            (lo - 1.0, hi + 1.0)
        } else {
            let pad = 0.04 * (hi - lo);
            (lo - pad, hi + pad)
        }
    };
    Ok((span(|p| p.0), span(|p| p.1)))
}

/// A tick label: at most two decimals, no trailing zeros, never "-0".
fn tick(v: f64) -> String {
    if v.abs() >= 1000.0 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Draws `chart` on `root` (any plotters backend).
fn draw<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let fail = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing `{}`: {e}", chart.title);
    let ((x0, x1), (y0, y1)) = ranges(chart)?;
    root.fill(&WHITE).map_err(fail)?;
    // The title spans the whole width, above the plot and the legend.
    let body = root.titled(&chart.title, (FAMILY, 20)).map_err(fail)?;
    let (plot, legend) = body.split_horizontally(W - LEGEND);
    let mut ctx = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(fail)?;
    ctx.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .axis_desc_style((FAMILY, 16))
        .label_style((FAMILY, 14))
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .light_line_style(RGBColor(245, 245, 245))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .map_err(fail)?;
    for (i, s) in chart.series.iter().enumerate() {
        let (r, g, b) = PALETTE[i % PALETTE.len()];
        let colour = RGBColor(r, g, b);
        if !s.scatter {
            ctx.draw_series(LineSeries::new(
                s.points.iter().copied(),
                colour.stroke_width(2),
            ))
            .map_err(fail)?;
        }
        // Scatter points stand alone, so they are drawn larger.
        let radius = if s.scatter { 5 } else { 3 };
        ctx.draw_series(
            s.points
                .iter()
                .map(|&p| Circle::new(p, radius, colour.filled())),
        )
        .map_err(fail)?;
        let y = 24 + 26 * i as i32;
        if !s.scatter {
            legend
                .draw(&PathElement::new(
                    vec![(8, y), (36, y)],
                    colour.stroke_width(2),
                ))
                .map_err(fail)?;
        }
        legend
            .draw(&Circle::new((22, y), radius, colour.filled()))
            .map_err(fail)?;
        legend
            .draw(&Text::new(
                s.name.clone(),
                (44, y - 8),
                (FAMILY, 15).into_font().color(&BLACK),
            ))
            .map_err(fail)?;
    }
    root.present().map_err(fail)
}

/// An RGB picture of the chart's size as a PNG, with adaptive filters and
/// the best compression (antialiased text compresses poorly otherwise).
fn compressed_png(rgb: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, W, H);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.set_compression(png::Compression::Best);
        e.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        e.write_header()?.write_image_data(rgb)?;
    }
    Ok(out)
}

/// Renders `chart` to `path`: SVG for a `.svg` path, PNG otherwise; written
/// whole or not at all.
pub fn write(chart: &Chart, path: &Path) -> Result<()> {
    // Both backends measure text with the registered font.
    register_font()?;
    let svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, (W, H)).into_drawing_area();
            draw(chart, &root)?;
        }
        crate::atomic::write_io(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))
    } else {
        let mut rgb = vec![255u8; (W * H * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (W, H)).into_drawing_area();
            draw(chart, &root)?;
        }
        let bytes = compressed_png(&rgb).with_context(|| format!("encoding {}", path.display()))?;
        crate::atomic::write_io(path, &bytes).with_context(|| format!("writing {}", path.display()))
    }
}
