//! Area-averaging thumbnail in f64, by integrating each output rectangle.

use facenmf_core::thumbnail::{Crop, PixelFormat};

/// Gray level in `[0, 1]` of pixel `p` (row-major) of a frame, by the rules
/// `facenmf-core` documents (RGB565 channels widened by bit replication, gray
/// the mean of R, G and B).
pub fn gray(frame: &[u8], format: PixelFormat, p: usize) -> f64 {
    match format {
        PixelFormat::Gray8 => f64::from(frame[p]) / 255.0,
        PixelFormat::Yuyv => f64::from(frame[2 * p]) / 255.0,
        PixelFormat::Rgb565Be => {
            let v = u16::from_be_bytes([frame[2 * p], frame[2 * p + 1]]);
            let widen = |x: u16, bits: u32| -> f64 {
                let full = (x << (8 - bits)) | (x >> (2 * bits - 8));
                f64::from(full) / 255.0
            };
            (widen(v >> 11, 5) + widen((v >> 5) & 0x3f, 6) + widen(v & 0x1f, 5)) / 3.0
        }
    }
}

/// The thumbnail of a `frame_width`-wide frame: each output pixel is the
/// mean of the crop over the rectangle it covers, partly covered pixels
/// weighted by the covered area.
pub fn thumbnail(
    frame: &[u8],
    frame_width: usize,
    format: PixelFormat,
    crop: Crop,
    out_width: usize,
    out_height: usize,
) -> Vec<f64> {
    let sx = crop.width as f64 / out_width as f64;
    let sy = crop.height as f64 / out_height as f64;
    let mut out = Vec::with_capacity(out_width * out_height);
    for oy in 0..out_height {
        let (y0, y1) = (oy as f64 * sy, (oy + 1) as f64 * sy);
        for ox in 0..out_width {
            let (x0, x1) = (ox as f64 * sx, (ox + 1) as f64 * sx);
            let mut sum = 0.0;
            for r in 0..crop.height {
                let wy = overlap(r as f64, y0, y1);
                if wy == 0.0 {
                    continue;
                }
                for c in 0..crop.width {
                    let wx = overlap(c as f64, x0, x1);
                    let p = (crop.y + r) * frame_width + crop.x + c;
                    sum += wx * wy * gray(frame, format, p);
                }
            }
            out.push(sum / ((x1 - x0) * (y1 - y0)));
        }
    }
    out
}

/// Length of `[s, s+1) ∩ [a, b)`.
fn overlap(s: f64, a: f64, b: f64) -> f64 {
    ((s + 1.0).min(b) - s.max(a)).max(0.0)
}
