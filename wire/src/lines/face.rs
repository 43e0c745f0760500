//! The `face=` line: what the face locator found in one whole frame.

use core::fmt;

use super::fields::Fields;
use super::LineError;

/// The chosen face: the crop the model's thumbnail takes, in frame pixels,
/// and the locator's confidence (accepted windows in its group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceBox {
    /// First row.
    pub top: usize,
    /// First column.
    pub left: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// Accepted windows in the face's group.
    pub score: u16,
}

/// `face=<i> found=1 top=<r> left=<c> height=<h> width=<w> score=<s> windows=<n>`
/// or, when the frame has no face, `face=<i> found=0 windows=<n>`.
///
/// Printed before the frame's `frame=` line; a frame with no face has no
/// `frame=` line (nothing to recognise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceLine {
    /// Frame index.
    pub frame: usize,
    /// The chosen face, `None` for "no face".
    pub face: Option<FaceBox>,
    /// Windows the cascade ran on.
    pub windows: u32,
}

impl FaceLine {
    /// What the line starts with.
    pub const TAG: &'static str = "face=";

    /// Reads the line.
    pub fn parse(line: &str) -> Result<Self, LineError> {
        let mut f = Fields::new(line);
        let frame = f.number("face")?;
        let face = if f.flag("found")? {
            Some(FaceBox {
                top: f.number("top")?,
                left: f.number("left")?,
                height: f.number("height")?,
                width: f.number("width")?,
                score: f.number("score")?,
            })
        } else {
            None
        };
        let windows = f.number("windows")?;
        f.end()?;
        Ok(Self {
            frame,
            face,
            windows,
        })
    }
}

impl fmt::Display for FaceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} found={}",
            Self::TAG,
            self.frame,
            u8::from(self.face.is_some())
        )?;
        if let Some(b) = self.face {
            write!(
                f,
                " top={} left={} height={} width={} score={}",
                b.top, b.left, b.height, b.width, b.score
            )?;
        }
        write!(f, " windows={}", self.windows)
    }
}
