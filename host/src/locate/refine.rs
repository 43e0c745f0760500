//! Aligning a located face to the model by its "distance from face space"
//! (Turk & Pentland): around the located region, the candidate whose
//! features (the thumbnail's, or their LBP histograms) the model's NMF basis
//! reconstructs best (least relative residual `‖x − Hᵀz‖² / ‖x‖²`, `z` the
//! chip encoder's code).
//!
//! Candidates: the region's centre moved by `-steps..=steps` units of 1/25
//! of its height on each axis, at scales 0.92, 0.96, 1, 1.04, 1.08 (only the
//! region itself when `steps` is 0), clamped inside the frame. Each costs one
//! encode, `(2 steps + 1)² · 5` in all: a host measurement of what alignment
//! is worth, not (at this cost) the chip's pipeline.

use anyhow::{ensure, Result};
use facenmf_core::Crop;

use super::recognise::model_crop;
use crate::chip::Chip;
use crate::model::Method;

/// Scales tried about the region's centre.
pub const SCALES: [f64; 5] = [0.92, 0.96, 1.0, 1.04, 1.08];

/// The relative reconstruction residual of the features of the model's
/// thumbnail of `region` (the face region, the model's crop taken inside
/// it) by its NMF basis, in f64. Errors for a model without an NMF basis
/// (Fisherfaces).
pub fn residual(chip: &Chip<'_>, frame: &[u8], size: (usize, usize), region: Crop) -> Result<f64> {
    let m = chip.model();
    ensure!(
        m.method == Method::Nmf,
        "aligning by the reconstruction residual needs an NMF model, not {:?}",
        m.method
    );
    let crop = model_crop(region, &m.geometry);
    let thumb = chip.thumbnail_of(frame, size.0, size.1, crop)?;
    let code = chip.embed(&thumb)?.raw;
    let x = chip.features(&thumb)?;
    let d = m.d();
    ensure!(
        x.len() == d && m.basis.len() == code.len() * d,
        "the model's basis is {} values, not {} codes x {} features",
        m.basis.len(),
        code.len(),
        x.len()
    );
    let (mut r, mut n) = (0.0f64, 0.0f64);
    for (j, &xj) in x.iter().enumerate() {
        let rec: f64 = code
            .iter()
            .enumerate()
            .map(|(k, &z)| f64::from(z) * f64::from(m.basis[k * d + j]))
            .sum();
        r += (f64::from(xj) - rec).powi(2);
        n += f64::from(xj).powi(2);
    }
    Ok(if n > 0.0 { r / n } else { f64::INFINITY })
}

/// The candidates around `region` in a `width x height` frame, `region` first.
pub fn candidates(region: Crop, (width, height): (usize, usize), steps: u32) -> Vec<Crop> {
    let mut out = vec![region];
    if steps == 0 {
        return out;
    }
    let s = i64::from(steps);
    let unit = (region.height as i64 / 25).max(1);
    let (cy, cx) = (
        region.y as i64 + region.height as i64 / 2,
        region.x as i64 + region.width as i64 / 2,
    );
    for scale in SCALES {
        let h = ((region.height as f64 * scale).round() as i64).clamp(1, height as i64);
        let w = ((region.width as f64 * scale).round() as i64).clamp(1, width as i64);
        for dy in -s..=s {
            for dx in -s..=s {
                let y = (cy + dy * unit - h / 2).clamp(0, height as i64 - h);
                let x = (cx + dx * unit - w / 2).clamp(0, width as i64 - w);
                let c = Crop {
                    x: x as usize,
                    y: y as usize,
                    width: w as usize,
                    height: h as usize,
                };
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The candidate with the least [`residual`] (the first on ties).
pub fn refine(
    chip: &Chip<'_>,
    frame: &[u8],
    size: (usize, usize),
    region: Crop,
    steps: u32,
) -> Result<Crop> {
    let mut best = (f64::INFINITY, region);
    for c in candidates(region, size, steps) {
        let r = residual(chip, frame, size, c)?;
        if r < best.0 {
            best = (r, c);
        }
    }
    Ok(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_stay_inside_and_start_with_the_region() {
        let r = Crop {
            x: 120,
            y: 70,
            width: 40,
            height: 50,
        };
        assert_eq!(candidates(r, (160, 120), 0), vec![r]);
        let c = candidates(r, (160, 120), 2);
        assert_eq!(c[0], r);
        assert!(c.len() > 25 && c.len() <= 1 + 125);
        for k in &c {
            assert!(k.x + k.width <= 160 && k.y + k.height <= 120, "{k:?}");
            assert!(k.width >= 1 && k.height >= 1);
        }
    }
}
