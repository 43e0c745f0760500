//! Reading gray frames (PGM, PNG, JPEG) for the locator.

use std::path::Path;

use anyhow::{bail, Result};

use crate::data::decode::decode_file;
use crate::frames::make::to_gray;

/// A gray frame: width, height, bytes.
pub type GrayFrame = (usize, usize, Vec<u8>);

/// Reads an image file as 8-bit gray.
pub fn read_gray(path: &Path) -> Result<GrayFrame> {
    let img = to_gray(&decode_file(path)?);
    if img.width == 0 || img.height == 0 {
        bail!("{}: empty image", path.display());
    }
    Ok((img.width, img.height, img.data))
}
