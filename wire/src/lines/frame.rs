//! The `frame=` line: what the board found in one frame.

use core::fmt;

use super::fields::Fields;
use super::LineError;
use crate::hex::{Hex, HexList, HexSlice};

/// `frame=<i> label=<l> known=<0|1> distance=<hex> votes=<v> sweeps=<s>
/// converged=<0|1> ticks=<t> led=<0|1> code=<hex,..> out=<hex,..> name=<name>`
///
/// `V` is the list type of `code` and `out`: [`HexSlice`] when written,
/// [`HexList`] when read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameLine<'a, V = HexSlice<'a>> {
    /// Frame index.
    pub frame: usize,
    /// Nearest label, before the threshold.
    pub label: u16,
    /// Known after the threshold.
    pub known: bool,
    /// Distance to the nearest template.
    pub distance: f32,
    /// Votes for the label.
    pub votes: u8,
    /// NNLS sweeps run.
    pub sweeps: u16,
    /// The solve converged.
    pub converged: bool,
    /// Stopwatch ticks of the inference.
    pub ticks: u32,
    /// Indicator state.
    pub led: bool,
    /// The code (K values).
    pub code: V,
    /// The projected vector (M values).
    pub out: V,
    /// The label's name (no line break in it).
    pub name: &'a str,
}

impl<V> FrameLine<'_, V> {
    /// What the line starts with.
    pub const TAG: &'static str = "frame=";
}

impl<'a> FrameLine<'a, HexList<'a>> {
    /// Reads the line.
    pub fn parse(line: &'a str) -> Result<Self, LineError> {
        let (head, name) = line
            .split_once(" name=")
            .ok_or(LineError::Missing { field: "name" })?;
        let mut f = Fields::new(head);
        let frame = Self {
            frame: f.number("frame")?,
            label: f.number("label")?,
            known: f.flag("known")?,
            distance: f.hex("distance")?,
            votes: f.number("votes")?,
            sweeps: f.number("sweeps")?,
            converged: f.flag("converged")?,
            ticks: f.number("ticks")?,
            led: f.flag("led")?,
            code: f.hex_list("code")?,
            out: f.hex_list("out")?,
            name,
        };
        f.end()?;
        Ok(frame)
    }
}

impl<V: fmt::Display> fmt::Display for FrameLine<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} label={} known={} distance={} votes={} sweeps={} converged={} ticks={} led={} code={} out={} name={}",
            Self::TAG,
            self.frame,
            self.label,
            u8::from(self.known),
            Hex(self.distance),
            self.votes,
            self.sweeps,
            u8::from(self.converged),
            self.ticks,
            u8::from(self.led),
            self.code,
            self.out,
            self.name
        )
    }
}
