//! The `error=` line: a frame (or the profile run) failed.

use core::fmt;

use super::LineError;

/// Where the error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorAt {
    /// Frame `i`.
    Frame(usize),
    /// The profile run on the last frame.
    Profile,
}

impl fmt::Display for ErrorAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Frame(i) => write!(f, "{i}"),
            Self::Profile => f.write_str("profile"),
        }
    }
}

/// `error=<i|profile> <what>`; `what` is any `Display` when written (no
/// line break in it), the rest of the line when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorLine<W> {
    /// Where.
    pub at: ErrorAt,
    /// What went wrong.
    pub what: W,
}

impl<W> ErrorLine<W> {
    /// What the line starts with.
    pub const TAG: &'static str = "error=";
}

impl<'a> ErrorLine<&'a str> {
    /// Reads the line.
    pub fn parse(line: &'a str) -> Result<Self, LineError> {
        let rest = line
            .strip_prefix(Self::TAG)
            .ok_or(LineError::Missing { field: "error" })?;
        let (at, what) = rest
            .split_once(' ')
            .ok_or(LineError::Missing { field: "what" })?;
        let at = match at {
            "profile" => ErrorAt::Profile,
            n if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => ErrorAt::Frame(
                n.parse()
                    .map_err(|_| LineError::BadValue { field: "error" })?,
            ),
            _ => return Err(LineError::BadValue { field: "error" }),
        };
        Ok(Self { at, what })
    }
}

impl<W: fmt::Display> fmt::Display for ErrorLine<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{} {}", Self::TAG, self.at, self.what)
    }
}
