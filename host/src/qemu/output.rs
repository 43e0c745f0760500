//! The board's output, parsed with the line formats of `facenmf-wire`.

use anyhow::{anyhow, bail, Context, Result};
use facenmf_wire::hex::HexList;
use facenmf_wire::{Done, FaceLine, FrameLine, Header, Line, Profile};

/// One `frame=` line of the board ([`facenmf_wire::FrameLine`]), owned.
#[derive(Debug, Clone, PartialEq)]
pub struct ChipFrame {
    /// Frame index.
    pub frame: usize,
    /// Nearest label before the threshold.
    pub label: u16,
    /// Known after the threshold.
    pub known: bool,
    /// Distance bits.
    pub distance: u32,
    /// Votes.
    pub votes: u8,
    /// NNLS sweeps.
    pub sweeps: u16,
    /// Converged.
    pub converged: bool,
    /// SysTick ticks of the inference.
    pub ticks: u32,
    /// Indicator state.
    pub led: bool,
    /// Code bits (K).
    pub code: Vec<u32>,
    /// Projected vector bits (M).
    pub out: Vec<u32>,
    /// The label's name.
    pub name: String,
}

impl From<FrameLine<'_, HexList<'_>>> for ChipFrame {
    fn from(f: FrameLine<'_, HexList<'_>>) -> Self {
        Self {
            frame: f.frame,
            label: f.label,
            known: f.known,
            distance: f.distance.to_bits(),
            votes: f.votes,
            sweeps: f.sweeps,
            converged: f.converged,
            ticks: f.ticks,
            led: f.led,
            code: f.code.bits().collect(),
            out: f.out.bits().collect(),
            name: f.name.to_string(),
        }
    }
}

/// The board's whole output.
#[derive(Debug, Clone, PartialEq)]
pub struct ChipOutput {
    /// The header line.
    pub header: Header,
    /// The frame lines in order.
    pub frames: Vec<ChipFrame>,
    /// The `face=` lines in order (boards with a face locator).
    pub faces: Vec<FaceLine>,
    /// The `profile` line (SysTick ticks a stage), when the board printed one.
    pub profile: Option<Profile>,
    /// The `done` line.
    pub done: Done,
}

/// Parses the board's stdout (the lines of [`facenmf_wire::lines`]). A
/// malformed result line, an `error=` line, or a missing header or `done`
/// line is an error naming the line.
pub fn parse_output(stdout: &str) -> Result<ChipOutput> {
    let mut header = None;
    let mut done = None;
    let mut profile = None;
    let mut frames = Vec::new();
    let mut faces = Vec::new();
    for (n, text) in stdout.lines().enumerate() {
        let line = Line::parse(text).with_context(|| format!("line {}: {text:?}", n + 1))?;
        match line {
            Line::Header(h) => header = Some(h),
            Line::Frame(f) => frames.push(ChipFrame::from(f)),
            Line::Face(f) => faces.push(f),
            Line::Profile(p) => profile = Some(p),
            Line::Done(d) => done = Some(d),
            Line::Error(_) => bail!("the board reported: {}", text.trim_end_matches('\r')),
            Line::Other(_) => {}
        }
    }
    Ok(ChipOutput {
        header: header.ok_or_else(|| anyhow!("no header line"))?,
        frames,
        faces,
        profile,
        done: done.ok_or_else(|| anyhow!("no `done` line: the run stopped early"))?,
    })
}

/// The plugin's `icount mark <n>` counts, in order.
pub fn marks(stderr: &str) -> Vec<u64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("icount mark "))
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "facenmf-qemu frames=1 frame_len=4 d=2 k=2 m=1 templates=1 classes=1\n\
        frame=0 label=0 known=1 distance=3b6bdd00 votes=1 sweeps=3 converged=1 ticks=9 led=1 code=3f800000,00000000 out=bf800000 name=Ada\n\
        profile thumbnail=1 features=5 encode=2 project=3 classify=4\n\
        done frames=1 errors=0 stack_peak=8 stack_size=16\n";

    #[test]
    fn a_run_reads_line_by_line() {
        let out = parse_output(RUN).unwrap();
        assert_eq!((out.header.frames, out.header.k), (1, 2));
        assert_eq!(out.frames.len(), 1);
        let f = &out.frames[0];
        assert_eq!((f.label, f.known, f.led, f.sweeps), (0, true, true, 3));
        assert_eq!(f.code, [0x3f80_0000, 0]);
        assert_eq!(f.out, [0xbf80_0000]);
        assert_eq!(f.name, "Ada");
        assert_eq!(out.profile.map(|p| p.encode), Some(2));
        assert_eq!((out.done.errors, out.done.stack_peak), (0, 8));
    }

    #[test]
    fn a_bad_or_short_run_is_an_error_naming_the_line() {
        let corrupt = RUN.replace("code=3f800000,", "code=3f80000,");
        let e = format!("{:#}", parse_output(&corrupt).unwrap_err());
        assert!(e.contains("line 2") && e.contains("code="), "{e}");
        let stopped = RUN.replace("done frames=1 errors=0 stack_peak=8 stack_size=16\n", "");
        let e = format!("{:#}", parse_output(&stopped).unwrap_err());
        assert!(e.contains("no `done` line"), "{e}");
        let failed = RUN.replace("profile", "error=0 camera Timeout\nprofile");
        let e = format!("{:#}", parse_output(&failed).unwrap_err());
        assert!(
            e.contains("the board reported: error=0 camera Timeout"),
            "{e}"
        );
    }
}
