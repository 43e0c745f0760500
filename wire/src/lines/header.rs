//! The header line: the board's model and frames, before any result.

use core::fmt;

use super::fields::Fields;
use super::LineError;

/// `facenmf-qemu frames=<n> frame_len=<bytes> d=<D> k=<K> m=<M> templates=<N> classes=<C>`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Frames the board will run.
    pub frames: usize,
    /// Bytes a frame.
    pub frame_len: usize,
    /// Thumbnail pixels (basis width D).
    pub d: usize,
    /// Components K.
    pub k: usize,
    /// Length M of a projected vector.
    pub m: usize,
    /// Gallery templates N.
    pub templates: usize,
    /// Class names.
    pub classes: usize,
}

impl Header {
    /// What the line starts with.
    pub const TAG: &'static str = "facenmf-qemu ";

    /// Reads the line.
    pub fn parse(line: &str) -> Result<Self, LineError> {
        let rest = line.strip_prefix(Self::TAG).ok_or(LineError::Missing {
            field: "facenmf-qemu",
        })?;
        let mut f = Fields::new(rest);
        let header = Self {
            frames: f.number("frames")?,
            frame_len: f.number("frame_len")?,
            d: f.number("d")?,
            k: f.number("k")?,
            m: f.number("m")?,
            templates: f.number("templates")?,
            classes: f.number("classes")?,
        };
        f.end()?;
        Ok(header)
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}frames={} frame_len={} d={} k={} m={} templates={} classes={}",
            Self::TAG,
            self.frames,
            self.frame_len,
            self.d,
            self.k,
            self.m,
            self.templates,
            self.classes
        )
    }
}
