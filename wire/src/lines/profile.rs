//! The `profile` line: each stage timed once more on the last frame.

use core::fmt;

use super::fields::Fields;
use super::LineError;

/// `profile thumbnail=<ticks> features=<ticks> encode=<ticks> project=<ticks>
/// classify=<ticks>` (stopwatch ticks a stage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Frame to thumbnail.
    pub thumbnail: u64,
    /// Thumbnail to features (0 ticks of work for raw features, which are
    /// the thumbnail).
    pub features: u64,
    /// Thumbnail to code (NNLS).
    pub encode: u64,
    /// Code to projected vector.
    pub project: u64,
    /// Vector to decision (gallery).
    pub classify: u64,
}

impl Profile {
    /// What the line starts with.
    pub const TAG: &'static str = "profile ";

    /// Reads the line.
    pub fn parse(line: &str) -> Result<Self, LineError> {
        let rest = line
            .strip_prefix(Self::TAG)
            .ok_or(LineError::Missing { field: "profile" })?;
        let mut f = Fields::new(rest);
        let profile = Self {
            thumbnail: f.number("thumbnail")?,
            features: f.number("features")?,
            encode: f.number("encode")?,
            project: f.number("project")?,
            classify: f.number("classify")?,
        };
        f.end()?;
        Ok(profile)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}thumbnail={} features={} encode={} project={} classify={}",
            Self::TAG,
            self.thumbnail,
            self.features,
            self.encode,
            self.project,
            self.classify
        )
    }
}
