//! Face datasets: one [`Dataset`] type behind every source (raw cache folder,
//! LFW folder, Olivetti `.mat`, a folder of a user's own images, downloads).
//!
//! - [`source::load`]`(path, &LoadOptions)`: detect the kind of `path` (or take
//!   `LoadOptions::format`) and load it; what the commands use.
//! - [`cache`]: the raw format of `shared/data` (`images.u8`, `labels.u8`,
//!   `meta.json`), checked against its recorded sizes and sha256; also written.
//! - [`lfw`]: an LFW folder exactly as scikit-learn's `fetch_lfw_people`
//!   (order, labels, Pillow's bicubic resize in [`resample`]).
//! - [`olivetti`]: `olivettifaces.mat` (via [`mat`]) as `fetch_olivetti_faces`.
//! - [`folder`]: one sub-folder of JPEG/PNG/PGM pictures per person.
//! - [`fetch`]: checksummed, atomic downloads of the archives scikit-learn uses.
//! - Selection on [`Dataset`]: `max_per_person`, `with_min_per_person`,
//!   `train_test_split`, `subset`, `thumbnails` (the chip's own thumbnail code).
//! - [`photo`]: one photo or camera frame as a frame of a given size.

/// Gray face images with their labels, as every command of the trainer sees them.
///
/// Images are stored one after another, row-major, top row first, as f32 in
/// `[0, 1]`: image `i`, row `r`, column `c` is `images[(i * height + r) * width + c]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// `n * height * width` pixels in `[0, 1]`.
    pub images: Vec<f32>,
    /// Class index of each image, `0..class_names.len()`.
    pub labels: Vec<u16>,
    /// Person names in label order.
    pub class_names: Vec<String>,
    /// Image height in pixels.
    pub height: usize,
    /// Image width in pixels.
    pub width: usize,
    /// Where the data came from and how it was made (for provenance in exports).
    pub source: String,
}

impl Dataset {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the dataset holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels per image (`height * width`).
    pub fn pixels(&self) -> usize {
        self.height * self.width
    }

    /// The pixels of image `i`.
    pub fn image(&self, i: usize) -> &[f32] {
        let d = self.pixels();
        &self.images[i * d..(i + 1) * d]
    }

    /// Each image as the camera delivers it ([`gray8`] of every pixel).
    pub fn frames(&self) -> Vec<Vec<u8>> {
        self.images
            .chunks(self.pixels().max(1))
            .map(|img| img.iter().map(|&x| gray8(x)).collect())
            .collect()
    }
}

/// The camera's 8-bit gray value of a pixel in `[0, 1]`: `round(x · 255)`,
/// `x` clamped to `[0, 1]` first.
pub fn gray8(x: f32) -> u8 {
    (x.clamp(0.0, 1.0) * 255.0).round() as u8
}

mod error;
pub use error::{DataError, Result};

pub mod cache;
pub mod decode;
pub mod fetch;
pub mod folder;
pub mod lfw;
pub mod mat;
pub mod olivetti;
pub mod photo;
pub mod resample;
pub mod rng;
pub mod select;
pub mod sheet;
pub mod source;
mod thumbs;

/// Lowercase hex of a byte string (for sha256 digests).
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// sha256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}
