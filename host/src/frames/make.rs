//! One camera-like frame from one LFW photo.
//!
//! A face frame: the photo (250 x 250, gray) is scaled so that scikit-learn's
//! face region (rows 70..195, columns 78..172) is [`Settings::face_heights`]
//! pixels tall, placed at a random whole-pixel offset with the whole region
//! inside the frame, and every frame pixel outside the scaled photo takes the
//! nearest photo pixel (edge replication). The true box is the scaled region.
//!
//! A face-free frame: one of the photo's four corners (54 x 72 pixels, clear of
//! the face region) scaled up to the whole frame.
//!
//! Both then get a camera's exposure: `v · gain + offset + noise`, rounded and
//! clamped to 0..255, with the gain, the offset and the noise's standard
//! deviation drawn per frame from [`Settings`].

use super::rng::FrameRng;
use super::truth::TruthBox;
use crate::data::decode::Image8;
use crate::data::lfw::Slice;
use crate::data::resample::resize_bicubic;

/// The ranges frames are drawn from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Frame width.
    pub width: usize,
    /// Frame height.
    pub height: usize,
    /// Height of the true box, pixels (uniform in this range).
    pub face_heights: (f64, f64),
    /// Exposure gain range.
    pub gain: (f64, f64),
    /// Added offset range, gray levels.
    pub offset: (f64, f64),
    /// Range of the sensor noise's standard deviation, gray levels.
    pub noise: (f64, f64),
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            width: 160,
            height: 120,
            face_heights: (40.0, 100.0),
            gain: (0.6, 1.4),
            offset: (-40.0, 40.0),
            noise: (0.0, 8.0),
        }
    }
}

/// The face region of an LFW photo.
pub const FACE: Slice = Slice::LFW_DEFAULT;

/// Corner cut for face-free frames: rows x columns.
pub const CORNER: (usize, usize) = (54, 72);

/// A made frame: `width x height` gray bytes, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The pixels.
    pub pixels: Vec<u8>,
    /// The true face box, `None` when face-free.
    pub face: Option<TruthBox>,
}

/// Gray bytes of `img` (`round((r + g + b) / 3)` for RGB).
pub fn to_gray(img: &Image8) -> Image8 {
    if img.channels == 1 {
        return img.clone();
    }
    let data = img
        .data
        .chunks_exact(img.channels)
        .map(|p| ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) + 1) / 3) as u8)
        .collect();
    Image8 {
        width: img.width,
        height: img.height,
        channels: 1,
        data,
    }
}

/// A face frame from a gray photo (at least as large as [`FACE`] needs).
pub fn face_frame(photo: &Image8, s: &Settings, rng: &mut FrameRng) -> Frame {
    let (h0, w0) = FACE.size();
    let target = rng.uniform(s.face_heights.0, s.face_heights.1);
    let scale = target / h0 as f64;
    let nw = ((photo.width as f64 * scale).round() as usize).max(1);
    let nh = ((photo.height as f64 * scale).round() as usize).max(1);
    let scaled = resize_bicubic(photo, nw, nh);
    // The scale actually applied on each axis.
    let (sy, sx) = (
        nh as f64 / photo.height as f64,
        nw as f64 / photo.width as f64,
    );
    let (top0, left0) = (FACE.rows.0 as f64 * sy, FACE.cols.0 as f64 * sx);
    let (bh, bw) = (h0 as f64 * sy, w0 as f64 * sx);
    let oy = rng.int(
        (-top0).ceil() as i64,
        (s.height as f64 - top0 - bh).floor() as i64,
    );
    let ox = rng.int(
        (-left0).ceil() as i64,
        (s.width as f64 - left0 - bw).floor() as i64,
    );
    let mut pixels = Vec::with_capacity(s.width * s.height);
    for r in 0..s.height as i64 {
        let pr = (r - oy).clamp(0, nh as i64 - 1) as usize;
        for c in 0..s.width as i64 {
            let pc = (c - ox).clamp(0, nw as i64 - 1) as usize;
            pixels.push(scaled.data[pr * nw + pc]);
        }
    }
    expose(&mut pixels, s, rng);
    Frame {
        pixels,
        face: Some(TruthBox {
            top: oy as f64 + top0,
            left: ox as f64 + left0,
            height: bh,
            width: bw,
        }),
    }
}

/// A face-free frame: a random corner of the photo, scaled up.
pub fn face_free_frame(photo: &Image8, s: &Settings, rng: &mut FrameRng) -> Frame {
    let (ch, cw) = CORNER;
    let corner = rng.int(0, 3);
    let r0 = if corner < 2 { 0 } else { photo.height - ch };
    let c0 = if corner % 2 == 0 { 0 } else { photo.width - cw };
    let cut = photo.crop(r0, r0 + ch, c0, c0 + cw);
    let mut pixels = resize_bicubic(&cut, s.width, s.height).data;
    expose(&mut pixels, s, rng);
    Frame { pixels, face: None }
}

/// Gain, offset and Gaussian noise, rounded and clamped.
fn expose(pixels: &mut [u8], s: &Settings, rng: &mut FrameRng) {
    let gain = rng.uniform(s.gain.0, s.gain.1);
    let offset = rng.uniform(s.offset.0, s.offset.1);
    let sigma = rng.uniform(s.noise.0, s.noise.1);
    for p in pixels {
        let v = f64::from(*p) * gain + offset + sigma * rng.normal();
        *p = v.round().clamp(0.0, 255.0) as u8;
    }
}

/// The gray image of the photo at `path`, refused by name unless it fits
/// ([`photo_fits`]: frames need LFW's 250 x 250).
pub fn read_photo(path: &std::path::Path) -> anyhow::Result<Image8> {
    let photo = to_gray(&crate::data::decode::decode_file(path)?);
    anyhow::ensure!(
        photo_fits(photo.height, photo.width),
        "{}: a {} x {} photo; frames need LFW's 250 x 250",
        path.display(),
        photo.height,
        photo.width
    );
    Ok(photo)
}

/// True when the corner cuts of a `height x width` photo keep clear of [`FACE`]
/// and the face region fits the photo.
pub fn photo_fits(height: usize, width: usize) -> bool {
    let (ch, cw) = CORNER;
    let clear_rows = ch <= FACE.rows.0 && height >= FACE.rows.1 + ch;
    let clear_cols = cw <= FACE.cols.0 && width >= FACE.cols.1 + cw;
    height >= FACE.rows.1 && width >= FACE.cols.1 && (clear_rows || clear_cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> Image8 {
        let data = (0..250 * 250)
            .map(|i| ((i % 250) as u32 * 255 / 249) as u8)
            .collect();
        Image8 {
            width: 250,
            height: 250,
            channels: 1,
            data,
        }
    }

    #[test]
    fn the_true_box_lies_inside_and_has_the_drawn_height() {
        let s = Settings::default();
        for i in 0..200 {
            let f = face_frame(&photo(), &s, &mut FrameRng::for_item(3, i));
            let b = f.face.unwrap();
            assert!(b.top >= 0.0 && b.left >= 0.0, "{b:?}");
            assert!(
                b.top + b.height <= 120.0 + 1e-9 && b.left + b.width <= 160.0 + 1e-9,
                "{b:?}"
            );
            assert!((39.0..=101.0).contains(&b.height), "{b:?}");
            assert_eq!(f.pixels.len(), 160 * 120);
        }
    }

    #[test]
    fn the_box_sits_where_the_photo_s_face_region_went() {
        // A photo whose face region is white and the rest black: without
        // exposure changes the box's inside is bright and its outside dark.
        let mut p = photo();
        for r in 0..250 {
            for c in 0..250 {
                let inside = (70..195).contains(&r) && (78..172).contains(&c);
                p.data[r * 250 + c] = if inside { 255 } else { 0 };
            }
        }
        let s = Settings {
            gain: (1.0, 1.0),
            offset: (0.0, 0.0),
            noise: (0.0, 0.0),
            ..Settings::default()
        };
        let f = face_frame(&p, &s, &mut FrameRng::for_item(9, 0));
        let b = f.face.unwrap();
        let at = |r: f64, c: f64| f.pixels[r as usize * 160 + c as usize];
        let (cr, cc) = b.centre();
        assert_eq!(at(cr, cc), 255);
        assert_eq!(at(b.top + 3.0, b.left + 3.0), 255);
        assert_eq!(at(b.top + b.height - 3.0, b.left + b.width - 3.0), 255);
        if b.top >= 3.0 {
            assert_eq!(at(b.top - 3.0, cc), 0);
        }
        if b.left >= 3.0 {
            assert_eq!(at(cr, b.left - 3.0), 0);
        }
    }

    #[test]
    fn corners_keep_clear_of_the_face() {
        assert!(photo_fits(250, 250));
        assert!(!photo_fits(200, 200));
        let f = face_free_frame(
            &photo(),
            &Settings::default(),
            &mut FrameRng::for_item(1, 2),
        );
        assert!(f.face.is_none());
        assert_eq!(f.pixels.len(), 160 * 120);
    }
}
