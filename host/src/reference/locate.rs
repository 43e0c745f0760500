//! The face locator by its definitions, in f64 and direct pixel sums: no
//! integral image, no fixed point (unless asked for).

use crate::locate::opencv::OwnedCascade;
use facenmf_core::locate::LbpFeature;

/// Sum of rows `y..y+h`, columns `x..x+w` of a `width`-wide image, pixel by pixel.
pub fn block_sum(img: &[u8], width: usize, x: usize, y: usize, w: usize, h: usize) -> f64 {
    (y..y + h)
        .flat_map(|r| (x..x + w).map(move |c| r * width + c))
        .map(|i| f64::from(img[i]))
        .sum()
}

/// The LBP code of feature `f` in the window at `(x, y)`: bit 7 the top-left
/// block, clockwise; a bit is set when its block's sum ≥ the centre's.
pub fn lbp_code(img: &[u8], width: usize, x: usize, y: usize, f: LbpFeature) -> u8 {
    let (w, h) = (usize::from(f.w), usize::from(f.h));
    let b = |bx: usize, by: usize| {
        block_sum(
            img,
            width,
            x + usize::from(f.x) + bx * w,
            y + usize::from(f.y) + by * h,
            w,
            h,
        )
    };
    let centre = b(1, 1);
    let clockwise = [
        (0, 0),
        (1, 0),
        (2, 0),
        (2, 1),
        (2, 2),
        (1, 2),
        (0, 2),
        (0, 1),
    ];
    clockwise.iter().fold(0u8, |code, &(bx, by)| {
        (code << 1) | u8::from(b(bx, by) >= centre)
    })
}

/// The cascade on the window at `(x, y)`: `Ok(last stage sum)` when every
/// stage passes, `Err(stage)` otherwise. With `fixed`, the leaves and
/// thresholds are the integer ones (as f64); otherwise the file's floats.
pub fn cascade(
    img: &[u8],
    width: usize,
    x: usize,
    y: usize,
    c: &OwnedCascade,
    fixed: bool,
) -> Result<f64, usize> {
    let mut sum = 0.0;
    for (si, stage) in c.stages.iter().enumerate() {
        sum = 0.0;
        let first = usize::from(stage.first);
        for wi in first..first + usize::from(stage.count) {
            let weak = &c.weaks[wi];
            let code = lbp_code(img, width, x, y, c.features[usize::from(weak.feature)]);
            let word = weak.subset[usize::from(code / 32)];
            let leaf = if (word >> (code % 32)) & 1 == 1 { 0 } else { 1 };
            sum += if fixed {
                f64::from(weak.leaves[leaf])
            } else {
                c.float_leaves[wi][leaf]
            };
        }
        let threshold = if fixed {
            f64::from(stage.threshold)
        } else {
            c.float_thresholds[si]
        };
        if sum < threshold {
            return Err(si);
        }
    }
    Ok(sum)
}

/// Bilinear resampling at scale `s` (frame pixels per output pixel) to
/// `out_w x out_h`, pixel centres aligned, coordinates clamped, in f64.
pub fn bilinear(
    frame: &[u8],
    width: usize,
    height: usize,
    s: f64,
    out_w: usize,
    out_h: usize,
) -> Vec<f64> {
    let at = |r: usize, c: usize| f64::from(frame[r * width + c]);
    let src = |v: usize, limit: usize| {
        let p = ((v as f64 + 0.5) * s - 0.5).max(0.0);
        let i = (p.floor() as usize).min(limit - 1);
        if i + 1 >= limit {
            (limit - 1, 0.0)
        } else {
            (i, p - i as f64)
        }
    };
    let mut out = Vec::with_capacity(out_w * out_h);
    for ly in 0..out_h {
        let (y0, fy) = src(ly, height);
        let y1 = (y0 + 1).min(height - 1);
        for lx in 0..out_w {
            let (x0, fx) = src(lx, width);
            let x1 = (x0 + 1).min(width - 1);
            let top = at(y0, x0) * (1.0 - fx) + at(y0, x1) * fx;
            let bottom = at(y1, x0) * (1.0 - fx) + at(y1, x1) * fx;
            out.push(top * (1.0 - fy) + bottom * fy);
        }
    }
    out
}
