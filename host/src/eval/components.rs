//! `facenmf components`: the pictures of a fitted basis.
//!
//! - [`component_grid`]: the basis images `H` (`k×d`, one image per row) in a
//!   grid, as the study drew them: each component scaled to its own maximum,
//!   gray (0 black, the component's maximum white).
//! - [`reconstructions`]: for a few faces, three rows: the original `X`, the
//!   reconstruction `WH` (same gray scale as the original) and the residual
//!   `|X − WH|` (scaled to the largest residual shown, printed in the label).
//!
//! Both check their inputs, render in memory, then write the PNG atomically
//! (a temporary file renamed over the target), so an error never leaves a
//! partial file. The `render_*` functions return the image without writing.

use crate::data::decode::{write_png, Image8};
use crate::data::sheet::draw_text;
use anyhow::{bail, ensure, Context, Result};
use std::path::Path;

/// Gap between cells, in pixels (white).
const GAP: usize = 2;

/// Integer up-scaling so a cell is at least 48 pixels high (small thumbnails).
fn upscale(h: usize) -> usize {
    48usize.div_ceil(h.max(1)).max(1)
}

fn check_images(values: &[f32], h: usize, w: usize, what: &str) -> Result<usize> {
    ensure!(h > 0 && w > 0, "{what}: image size {h}x{w} has no pixels");
    let d = h * w;
    ensure!(!values.is_empty(), "{what}: no image (k = 0)");
    ensure!(
        values.len().is_multiple_of(d),
        "{what}: {} values are not a whole number of {h}x{w} images",
        values.len()
    );
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        bail!("{what}: value {i} is not finite");
    }
    Ok(values.len() / d)
}

/// Copies one `h×w` image of bytes into `img` at (`x0`, `y0`), each pixel
/// drawn `s×s`.
fn blit(img: &mut Image8, px: &[u8], w: usize, x0: usize, y0: usize, s: usize) {
    for (r, row) in px.chunks_exact(w).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            for dy in 0..s {
                let y = y0 + r * s + dy;
                let start = y * img.width + x0 + c * s;
                img.data[start..start + s].fill(v);
            }
        }
    }
}

/// The basis grid as an image: `cols` columns (`None`: about as many as make
/// the picture square), component `i` at row `i / cols`, column `i % cols`.
pub fn render_component_grid(
    basis: &[f32],
    h: usize,
    w: usize,
    cols: Option<usize>,
) -> Result<Image8> {
    let k = check_images(basis, h, w, "component grid")?;
    if let Some(i) = basis.iter().position(|&v| v < 0.0) {
        bail!("component grid: value {i} is negative, not an NMF basis");
    }
    let cols = match cols {
        Some(0) => bail!("component grid: 0 columns"),
        Some(c) => c.min(k),
        None => (((k * h) as f64 / w as f64).sqrt().ceil() as usize).clamp(1, k),
    };
    let rows = k.div_ceil(cols);
    let s = upscale(h);
    let (cw, ch) = (w * s + GAP, h * s + GAP);
    let mut img = Image8 {
        width: cols * cw + GAP,
        height: rows * ch + GAP,
        channels: 1,
        data: vec![255; (cols * cw + GAP) * (rows * ch + GAP)],
    };
    for (i, comp) in basis.chunks_exact(h * w).enumerate() {
        let max = comp.iter().copied().fold(0.0f32, f32::max);
        let px: Vec<u8> = comp
            .iter()
            .map(|&v| {
                if max > 0.0 {
                    (v / max * 255.0).round().clamp(0.0, 255.0) as u8
                } else {
                    0
                }
            })
            .collect();
        blit(
            &mut img,
            &px,
            w,
            GAP + (i % cols) * cw,
            GAP + (i / cols) * ch,
            s,
        );
    }
    Ok(img)
}

/// Draws the basis `basis` (`k×d` row-major, `d = h·w`, one image per row) as
/// a grid and writes it to `path` as a PNG, atomically. `cols`: columns of the
/// grid (`None`: about square). Errors: an empty or misshapen basis, negative
/// or non-finite values, an unwritable path.
pub fn component_grid(
    basis: &[f32],
    h: usize,
    w: usize,
    cols: Option<usize>,
    path: &Path,
) -> Result<()> {
    let img = render_component_grid(basis, h, w, cols)?;
    write_png(path, &img).with_context(|| format!("writing the component grid {}", path.display()))
}

/// The reconstruction figure as an image: one column per face; rows original
/// `X`, reconstruction `WH`, residual `|X − WH|` (scaled to the largest
/// residual shown). `images` is `n×d`, `codes` `n×k`, `basis` `k×d`.
pub fn render_reconstructions(
    images: &[f32],
    codes: &[f32],
    basis: &[f32],
    h: usize,
    w: usize,
) -> Result<Image8> {
    let n = check_images(images, h, w, "reconstructions: images")?;
    let k = check_images(basis, h, w, "reconstructions: basis")?;
    ensure!(
        codes.len() == n * k,
        "reconstructions: {} codes for {n} images and {k} components (want {})",
        codes.len(),
        n * k
    );
    if let Some(i) = codes.iter().position(|v| !v.is_finite()) {
        bail!("reconstructions: code {i} is not finite");
    }
    let d = h * w;
    let mut recon = vec![0.0f32; n * d];
    crate::nmf::linalg::gemm(
        &mut recon,
        codes,
        (n, k),
        false,
        basis,
        (k, d),
        false,
        false,
    );
    let resid: Vec<f32> = images
        .iter()
        .zip(&recon)
        .map(|(a, b)| (a - b).abs())
        .collect();
    let rmax = resid.iter().copied().fold(0.0f32, f32::max);
    let s = upscale(h);
    let (cw, ch) = (w * s + GAP, h * s + GAP);
    let labels = [
        "original".to_string(),
        "nmf wh".to_string(),
        format!("residual 0-{rmax:.2}"),
    ];
    let label_w = labels.iter().map(|l| l.len()).max().unwrap_or(0) * 6 + 2 * GAP + 4;
    let width = label_w + n * cw + GAP;
    let height = 3 * ch + GAP;
    let mut img = Image8 {
        width,
        height,
        channels: 1,
        data: vec![255; width * height],
    };
    let to_u8 = |v: f32, scale: f32| (v * scale * 255.0).round().clamp(0.0, 255.0) as u8;
    for (row, (values, scale)) in [
        (images, 1.0f32),
        (&recon[..], 1.0),
        (&resid[..], if rmax > 0.0 { 1.0 / rmax } else { 1.0 }),
    ]
    .into_iter()
    .enumerate()
    {
        let y0 = GAP + row * ch;
        draw_text(
            &mut img,
            &labels[row],
            GAP,
            y0 + (h * s).saturating_sub(7) / 2,
            1,
            0,
        );
        for (i, face) in values.chunks_exact(d).enumerate() {
            let px: Vec<u8> = face.iter().map(|&v| to_u8(v, scale)).collect();
            blit(&mut img, &px, w, label_w + i * cw, y0, s);
        }
    }
    Ok(img)
}

/// Draws original, reconstruction `WH` and residual `|X − WH|` of `n` faces
/// (`images` `n×d`, `codes` `n×k`, `basis` `k×d`, `d = h·w`) and writes the
/// PNG to `path` atomically.
pub fn reconstructions(
    images: &[f32],
    codes: &[f32],
    basis: &[f32],
    h: usize,
    w: usize,
    path: &Path,
) -> Result<()> {
    let img = render_reconstructions(images, codes, basis, h, w)?;
    write_png(path, &img)
        .with_context(|| format!("writing the reconstruction figure {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_component_is_scaled_to_its_own_max() {
        // Two 2x3 components with different maxima; one all zero.
        let basis = [
            0.0, 0.5, 1.0, 0.25, 0.0, 0.0, // max 1
            0.0, 0.0, 0.0, 0.0, 0.0, 4.0, // max 4
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, // all zero: black
        ];
        let img = render_component_grid(&basis, 2, 3, Some(3)).unwrap();
        let s = upscale(2);
        assert_eq!(img.height, 2 * s + 2 * GAP);
        assert_eq!(img.width, 3 * (3 * s + GAP) + GAP);
        let at = |x: usize, y: usize| img.data[y * img.width + x];
        let cell = |i: usize, r: usize, c: usize| at(GAP + i * (3 * s + GAP) + c * s, GAP + r * s);
        assert_eq!(
            [cell(0, 0, 1), cell(0, 0, 2), cell(0, 1, 0)],
            [128, 255, 64]
        );
        assert_eq!([cell(1, 1, 2), cell(1, 0, 0)], [255, 0]);
        assert!((0..2).all(|r| (0..3).all(|c| cell(2, r, c) == 0)));
        assert_eq!(at(0, 0), 255); // the gap is white
    }

    #[test]
    fn bad_bases_are_refused() {
        assert!(render_component_grid(&[], 2, 2, None).is_err());
        assert!(render_component_grid(&[1.0; 5], 2, 2, None).is_err());
        assert!(render_component_grid(&[1.0; 4], 0, 2, None).is_err());
        assert!(render_component_grid(&[1.0, -1.0, 0.0, 0.0], 2, 2, None).is_err());
        assert!(render_component_grid(&[1.0, f32::NAN, 0.0, 0.0], 2, 2, None).is_err());
        assert!(render_component_grid(&[1.0; 4], 2, 2, Some(0)).is_err());
        assert!(render_reconstructions(&[1.0; 4], &[1.0; 3], &[1.0; 8], 2, 2).is_err());
    }

    #[test]
    fn exact_reconstruction_has_zero_residual() {
        // X = W H exactly: the WH row equals the original row, residual black.
        let basis = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        let codes = [0.5, 1.0];
        let x = [0.5, 0.0, 0.0, 1.0];
        let img = render_reconstructions(&x, &codes, &basis, 2, 2).unwrap();
        let s = upscale(2);
        let ch = 2 * s + GAP;
        let x0 = img.width - GAP - 2 * s;
        let px = |row: usize, r: usize, c: usize| {
            img.data[(GAP + row * ch + r * s) * img.width + x0 + c * s]
        };
        for (r, c) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            assert_eq!(px(0, r, c), px(1, r, c));
            assert_eq!(px(2, r, c), 0);
        }
        assert_eq!(px(0, 1, 1), 255);
    }

    #[test]
    fn a_bad_path_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("grid.png");
        let err = component_grid(&[1.0; 4], 2, 2, None, &path).unwrap_err();
        assert!(format!("{err:#}").contains("grid.png"), "{err:#}");
        assert!(!path.exists());
        let ok = dir.path().join("grid.png");
        component_grid(&[1.0; 8], 2, 2, None, &ok).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
