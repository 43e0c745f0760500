//! The `done` line: the last line of a run that finished.

use core::fmt;

use super::fields::Fields;
use super::LineError;

/// `done frames=<n> errors=<e> stack_peak=<bytes> stack_size=<bytes>`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// Frames run.
    pub frames: usize,
    /// Frames that failed.
    pub errors: u32,
    /// Peak stack use in bytes.
    pub stack_peak: usize,
    /// Bytes of stack there are.
    pub stack_size: usize,
}

impl Done {
    /// What the line starts with.
    pub const TAG: &'static str = "done ";

    /// Reads the line.
    pub fn parse(line: &str) -> Result<Self, LineError> {
        let rest = line
            .strip_prefix(Self::TAG)
            .ok_or(LineError::Missing { field: "done" })?;
        let mut f = Fields::new(rest);
        let done = Self {
            frames: f.number("frames")?,
            errors: f.number("errors")?,
            stack_peak: f.number("stack_peak")?,
            stack_size: f.number("stack_size")?,
        };
        f.end()?;
        Ok(done)
    }
}

impl fmt::Display for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}frames={} errors={} stack_peak={} stack_size={}",
            Self::TAG,
            self.frames,
            self.errors,
            self.stack_peak,
            self.stack_size
        )
    }
}
