//! One photo or camera frame as a frame of a given size: decoded (JPEG,
//! PNG or PGM), optionally cut, resized (Pillow-style bicubic) to the frame
//! size unless it has it already, gray in `[0, 1]`.

use std::path::Path;

use super::decode::decode_file;
use super::lfw::{Prepare, Slice};
use super::{DataError, Result};

/// How a picture becomes a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhotoOptions {
    /// Cut the picture to this first.
    pub slice: Option<Slice>,
    /// The picture is a camera frame: it must already have the frame size
    /// (no cut, no resize), else it is refused.
    pub exact: bool,
}

/// The frame (`height × width` values in `[0, 1]`) of the picture at `path`.
/// Errors name the file and the problem (missing, undecodable, a frame of
/// another size, a cut outside the picture).
pub fn read_frame(
    path: &Path,
    (height, width): (usize, usize),
    opts: PhotoOptions,
) -> Result<Vec<f32>> {
    let img = decode_file(path)?;
    if opts.exact {
        if (img.height, img.width) != (height, width) {
            return Err(DataError::bad(
                path,
                format!(
                    "is a {}x{} frame but the model takes {height}x{width} frames",
                    img.height, img.width
                ),
            ));
        }
        return Ok(img.to_gray_f32());
    }
    let prepare = Prepare {
        slice: opts.slice,
        resize: None,
        size: Some((height, width)),
    };
    Ok(prepare.apply(&img, path)?.2)
}
