//! The QEMU board's result lines, one type a line: written through
//! `Display` (by the firmware, over semihosting), read back by
//! [`Line::parse`] (by the host).
//!
//! ```text
//! facenmf-qemu frames=<n> frame_len=<bytes> d=<D> k=<K> m=<M> templates=<N> classes=<C>
//! face=<i> found=1 top=<r> left=<c> height=<h> width=<w> score=<s> windows=<n>   (boards with a face locator)
//! face=<i> found=0 windows=<n>                                                    (no face: no frame= line follows)
//! frame=<i> label=<l> known=<0|1> distance=<hex> votes=<v> sweeps=<s> converged=<0|1> ticks=<t> led=<0|1> code=<hex,..> out=<hex,..> name=<name>
//! error=<i|profile> <what>
//! profile thumbnail=<ticks> features=<ticks> encode=<ticks> project=<ticks> classify=<ticks>
//! done frames=<n> errors=<e> stack_peak=<bytes> stack_size=<bytes>
//! ```
//!
//! Fields are `key=value`, one space apart, in this order; numbers are
//! decimal; `<hex>` is an f32 as the 8 hex digits of its bits
//! ([`crate::hex`]); the name is the rest of the line (no line break in it).

use core::fmt;

mod done;
mod error_line;
mod face;
mod fields;
mod frame;
mod header;
mod profile;

pub use done::Done;
pub use error_line::{ErrorAt, ErrorLine};
pub use face::{FaceBox, FaceLine};
pub use frame::FrameLine;
pub use header::Header;
pub use profile::Profile;

use crate::hex::HexList;

/// Why a line that starts like a result line is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    /// The field is not where the format puts it (the line is truncated or
    /// corrupt).
    Missing {
        /// The field's key.
        field: &'static str,
    },
    /// The field's value does not read as its type (a number, 0 or 1, hex).
    BadValue {
        /// The field's key.
        field: &'static str,
    },
    /// Text after the line's last field.
    Trailing,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { field } => write!(
                f,
                "no `{field}=` where the format has it (truncated or corrupt line)"
            ),
            Self::BadValue { field } => write!(f, "`{field}=` has a value that does not read"),
            Self::Trailing => f.write_str("text after the line's last field"),
        }
    }
}

impl core::error::Error for LineError {}

/// One line of the board's output, read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Line<'a> {
    /// The first line: the model's and the frames' sizes.
    Header(Header),
    /// What the face locator found in one frame.
    Face(FaceLine),
    /// The result of one frame.
    Frame(FrameLine<'a, HexList<'a>>),
    /// A frame (or the profile) failed.
    Error(ErrorLine<&'a str>),
    /// The stages' times on the last frame.
    Profile(Profile),
    /// The last line: totals and the stack.
    Done(Done),
    /// Any other line (not part of the format).
    Other(&'a str),
}

impl<'a> Line<'a> {
    /// Reads one line (a trailing `\r` is ignored). A line that starts with
    /// one of the format's tags must be that line whole; any other line is
    /// [`Line::Other`].
    pub fn parse(line: &'a str) -> Result<Self, LineError> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        Ok(if line.starts_with(Header::TAG) {
            Self::Header(Header::parse(line)?)
        } else if line.starts_with(FaceLine::TAG) {
            Self::Face(FaceLine::parse(line)?)
        } else if line.starts_with(FrameLine::<HexList>::TAG) {
            Self::Frame(FrameLine::parse(line)?)
        } else if line.starts_with(ErrorLine::<&str>::TAG) {
            Self::Error(ErrorLine::parse(line)?)
        } else if line.starts_with(Profile::TAG) {
            Self::Profile(Profile::parse(line)?)
        } else if line.starts_with(Done::TAG) {
            Self::Done(Done::parse(line)?)
        } else {
            Self::Other(line)
        })
    }
}
