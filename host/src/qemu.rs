//! The firmware in QEMU, from the host: the tools it needs, the frames file
//! its replay camera reads, the build of the QEMU board with an exported
//! model, the run (`-machine netduinoplus2`, semihosting, `timeout`), the
//! parse of its output, and what `facenmf-core` computes on the host for the
//! same frames (to compare with, value for value). The frames file and the
//! output lines are the formats of `facenmf-wire`, which the firmware
//! shares.
//!
//! Used by `facenmf demo` and by the tests crate (which turns these errors
//! into test failures).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use facenmf_wire::hex::HexList;
use facenmf_wire::{Done, FaceLine, FrameLine, Header, Line, Profile};

use crate::chip::Chip;
use crate::model::Model;

/// The chip's target triple.
pub const TARGET: &str = "thumbv7em-none-eabihf";

/// Exit codes of the QEMU board ([`facenmf_wire::exit`]): a frame failed.
pub const EXIT_FRAME_FAILED: i32 = facenmf_wire::exit::FRAME_FAILED;
/// The board could not build its model or frames.
pub const EXIT_SETUP: i32 = facenmf_wire::exit::SETUP;
/// A panic.
pub const EXIT_PANIC: i32 = facenmf_wire::exit::PANIC;
/// A HardFault.
pub const EXIT_HARDFAULT: i32 = facenmf_wire::exit::HARDFAULT;
/// `timeout` cut off a hang.
pub const EXIT_TIMEOUT: i32 = 124;

/// The firmware crate of this source tree, when it is there (a `facenmf`
/// built from a clone of the repository).
pub fn firmware_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .join("firmware");
    dir.join("Cargo.toml").is_file().then_some(dir)
}

fn runs(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn target_installed() -> bool {
    let out = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", TARGET])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_dir()
        }
        _ => false,
    }
}

/// The tools a QEMU run needs that are missing, each with how to get it
/// (`gcc` too when `need_gcc`, for the instruction-counting plugin).
pub fn missing_tools(need_gcc: bool) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !runs("qemu-system-arm", &["--version"]) {
        missing.push("qemu-system-arm (`apt-get install -y qemu-system-arm`)");
    }
    if !target_installed() {
        missing
            .push("the thumbv7em-none-eabihf target (`rustup target add thumbv7em-none-eabihf`)");
    }
    if !runs("timeout", &["--version"]) {
        missing.push("timeout (coreutils)");
    }
    if need_gcc && !runs("gcc", &["--version"]) {
        missing.push("gcc (`apt-get install -y gcc`)");
    }
    missing
}

/// The frames file of `frames` (all of one size), in the layout of
/// [`facenmf_wire::frames`] that the QEMU board replays.
pub fn frames_file(frames: &[Vec<u8>]) -> Result<Vec<u8>> {
    Ok(facenmf_wire::frames::to_vec(frames)?)
}

/// Builds the QEMU board (`--release --bin qemu` in `firmware`, into
/// `firmware/target`) with the exported model `model_rs` and the frames file
/// `frames`; returns the ELF. `fault` (`panic`, `hardfault`, `hang`) builds
/// one that fails on purpose.
pub fn build(
    firmware: &Path,
    model_rs: &Path,
    frames: &Path,
    fault: Option<&str>,
) -> Result<PathBuf> {
    build_with_locator(firmware, model_rs, None, frames, fault)
}

/// [`build`], with the face locator exported by `facenmf locator export`
/// (`locator_rs`) when given: the board then replays whole 160 x 120 gray
/// frames (locate, crop, recognise; a `face=` line each).
pub fn build_with_locator(
    firmware: &Path,
    model_rs: &Path,
    locator_rs: Option<&Path>,
    frames: &Path,
    fault: Option<&str>,
) -> Result<PathBuf> {
    let target_dir = firmware.join("target");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--bin", "qemu"])
        .current_dir(firmware)
        // Its own target dir: an outer `cargo test` holds the workspace's.
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("FACENMF_MODEL", model_rs)
        .env("FACENMF_FRAMES", frames)
        .env("FACENMF_FAULT", fault.unwrap_or(""))
        .env("FACENMF_LOCATOR", locator_rs.unwrap_or(Path::new("")))
        .output()
        .context("running cargo to build the firmware")?;
    if !out.status.success() {
        bail!(
            "building the firmware failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(target_dir.join(TARGET).join("release").join("qemu"))
}

/// What one QEMU run gave.
#[derive(Debug)]
pub struct QemuRun {
    /// The board's stdout (the result lines).
    pub stdout: String,
    /// Its stderr (errors, panics, the plugin's counts).
    pub stderr: String,
    /// Wall time of the run.
    pub wall: Duration,
}

/// Runs `elf` on `-machine netduinoplus2` under `timeout`, with the counting
/// plugin marking the address of `marker` when given. A panic, HardFault,
/// hang or any other non-zero exit is an error that says which.
pub fn run(elf: &Path, plugin: Option<(&Path, u64)>, timeout_s: u32) -> Result<QemuRun> {
    let mut cmd = Command::new("timeout");
    cmd.arg(timeout_s.to_string())
        .args([
            "qemu-system-arm",
            "-machine",
            "netduinoplus2",
            "-nographic",
            "-monitor",
            "none",
            "-serial",
            "none",
            "-icount",
            "shift=0",
            "-semihosting-config",
            "enable=on,target=native",
        ])
        .stdin(Stdio::null());
    if let Some((so, mark)) = plugin {
        cmd.arg("-plugin")
            .arg(format!("{},mark={mark:#x}", so.display()))
            .args(["-d", "plugin"]);
    }
    cmd.arg("-kernel").arg(elf);
    let started = Instant::now();
    let Output {
        status,
        stdout,
        stderr,
    } = cmd
        .output()
        .context("running qemu-system-arm under timeout")?;
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    let code = status.code();
    let what = match code {
        Some(0) => None,
        Some(EXIT_PANIC) => Some("the firmware panicked".to_string()),
        Some(EXIT_HARDFAULT) => Some("the firmware hit a HardFault".to_string()),
        Some(EXIT_TIMEOUT) => Some(format!(
            "the firmware hung: QEMU cut off by `timeout` after {timeout_s} s"
        )),
        Some(EXIT_FRAME_FAILED) => Some("the firmware failed on a frame".to_string()),
        Some(EXIT_SETUP) => Some("the firmware refused its model or frames".to_string()),
        other => Some(format!("QEMU exited with {other:?}")),
    };
    if let Some(what) = what {
        let tail: Vec<&str> = stdout.lines().rev().take(5).collect();
        bail!(
            "{what} (exit {code:?}).\n--- stderr:\n{}\n--- last stdout lines:\n{}",
            stderr
                .lines()
                .filter(|l| !l.starts_with("icount"))
                .collect::<Vec<_>>()
                .join("\n"),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok(QemuRun {
        stdout,
        stderr,
        wall,
    })
}

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

/// What `facenmf-core` computes on the host for one frame, the very steps of
/// `Recogniser::recognise`.
#[derive(Debug, Clone, PartialEq)]
pub struct HostFrame {
    /// Nearest label.
    pub label: u16,
    /// Known after the threshold.
    pub known: bool,
    /// Distance.
    pub distance: f32,
    /// NNLS sweeps.
    pub sweeps: u16,
    /// Code after root and normalisation (K).
    pub code: Vec<f32>,
    /// Projected vector (M).
    pub out: Vec<f32>,
}

/// One frame on the host: NNLS sweeps run, code (K), projected vector (M).
pub type Embedded = (u16, Vec<f32>, Vec<f32>);

/// Code (after root and normalisation) and projected vector of each frame,
/// with the sweeps run: the first steps of `Recogniser::recognise`, on the
/// host by [`Chip`].
pub fn embed_on_host(model: &Model, frames: &[Vec<u8>]) -> Result<Vec<Embedded>> {
    Ok(Chip::new(model)?
        .embed_frames(frames)?
        .into_iter()
        .map(|e| (e.sweeps, e.code, e.vector))
        .collect())
}

/// Runs `model` through facenmf-core on the host (by [`Chip`]), frame by
/// frame, with the model's threshold.
pub fn predict_on_host(model: &Model, frames: &[Vec<u8>]) -> Result<Vec<HostFrame>> {
    Ok(Chip::new(model)?
        .see_frames(frames)?
        .into_iter()
        .map(|s| HostFrame {
            label: s.decision.label,
            known: s.known(),
            distance: s.decision.distance,
            sweeps: s.embedding.sweeps,
            code: s.embedding.code,
            out: s.embedding.vector,
        })
        .collect())
}

/// How the chip's answers compare with the host's for the same frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Agreement {
    /// Frames compared.
    pub frames: usize,
    /// Frames whose label and known/unknown answer are equal.
    pub same_answer: usize,
    /// Frames whose code and projected vector are equal bit for bit.
    pub bit_identical: usize,
}

/// Compares the board's output with the host's predictions, frame by frame.
pub fn compare(chip: &ChipOutput, host: &[HostFrame]) -> Result<Agreement> {
    ensure!(
        chip.frames.len() == host.len(),
        "the board answered {} frames, the host {}",
        chip.frames.len(),
        host.len()
    );
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
    let mut a = Agreement {
        frames: host.len(),
        same_answer: 0,
        bit_identical: 0,
    };
    for (c, h) in chip.frames.iter().zip(host) {
        a.same_answer += usize::from(c.label == h.label && c.known == h.known);
        a.bit_identical += usize::from(c.code == bits(&h.code) && c.out == bits(&h.out));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "facenmf-qemu frames=1 frame_len=4 d=2 k=2 m=1 templates=1 classes=1\n\
        frame=0 label=0 known=1 distance=3b6bdd00 votes=1 sweeps=3 converged=1 ticks=9 led=1 code=3f800000,00000000 out=bf800000 name=Ada\n\
        profile thumbnail=1 encode=2 project=3 classify=4\n\
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
