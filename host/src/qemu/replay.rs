//! A model on the QEMU board: how many frames fit beside it, and one replay
//! of frames through it, compared frame by frame with the host.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{ensure, Context, Result};

use super::{build, compare, frames_file, parse_output, predict_on_host, run};
use super::{Agreement, ChipOutput, INSTRUCTIONS_PER_TICK};
use crate::budget::Shape;
use crate::model::Model;

/// Flash of the QEMU board's memory map (`firmware/memory-qemu.x`).
const FLASH: usize = 1024 * 1024;
/// Flash kept for the firmware's code and its other data.
const CODE_ROOM: usize = 160 * 1024;
/// Seconds a replay may run before `timeout` stops it.
const TIMEOUT_S: u32 = 600;

/// Frames of `frame_bytes` each that fit in the board's flash beside
/// `model` (0 when the model alone fills it).
pub fn frames_room(model: &Model, frame_bytes: usize) -> usize {
    let model_bytes = Shape::of(model)
        .budget(usize::from(model.max_sweeps), 0)
        .flash_bytes;
    FLASH.saturating_sub(CODE_ROOM + model_bytes) / frame_bytes.max(1)
}

/// What one replay gave.
#[derive(Debug)]
pub struct Replay {
    /// The board's answers.
    pub chip: ChipOutput,
    /// The board against the host.
    pub agreement: Agreement,
    /// Mean SysTick ticks an inference.
    pub mean_ticks: f64,
    /// Mean and largest instructions an inference, from the board's SysTick
    /// ticks ([`INSTRUCTIONS_PER_TICK`]).
    pub mean_instructions: f64,
    pub max_instructions: f64,
    /// Seconds to build the board, and of the QEMU run.
    pub build_seconds: f64,
    pub run_seconds: f64,
    /// The board's output, as written.
    pub log: PathBuf,
}

/// Builds the QEMU board from `firmware` with the exported `model_rs` (the
/// export of `model`) and `frames`, runs it, writes its output to
/// `out/firmware.txt` and compares every frame with the host's answer.
///
/// Errors: a frames file that cannot be made (no frames, mixed sizes), a
/// failed build or run (panic, HardFault, hang: named), unreadable output,
/// or any frame whose label or known/unknown answer differs from the host's.
pub fn replay(
    firmware: &Path,
    model: &Model,
    model_rs: &Path,
    frames: &[Vec<u8>],
    out: &Path,
) -> Result<Replay> {
    let frames_path = out.join("frames.bin");
    crate::atomic::write(&frames_path, &frames_file(frames)?)?;
    let built = Instant::now();
    let elf = build(firmware, model_rs, &frames_path, None);
    let _ = std::fs::remove_file(&frames_path);
    let elf = elf?;
    let build_seconds = built.elapsed().as_secs_f64();
    let run = run(&elf, None, TIMEOUT_S)?;
    let log = out.join("firmware.txt");
    crate::atomic::write(&log, run.stdout.as_bytes())?;
    let chip = parse_output(&run.stdout).context("reading the board's output")?;
    let host = predict_on_host(model, frames)?;
    let agreement = compare(&chip, &host)?;
    ensure!(
        agreement.same_answer == agreement.frames,
        "the chip and the host disagree: {agreement:?} (see {})",
        log.display()
    );
    let ticks = || chip.frames.iter().map(|f| f64::from(f.ticks));
    let mean_ticks = ticks().sum::<f64>() / chip.frames.len().max(1) as f64;
    let max_ticks = ticks().fold(0.0, f64::max);
    Ok(Replay {
        agreement,
        mean_ticks,
        mean_instructions: mean_ticks * INSTRUCTIONS_PER_TICK,
        max_instructions: max_ticks * INSTRUCTIONS_PER_TICK,
        build_seconds,
        run_seconds: run.wall.as_secs_f64(),
        log,
        chip,
    })
}

/// Frames of a model's test split replayed by [`replay_model`], at most.
pub const MODEL_FRAMES: usize = 64;

/// The board's run of a model on the first frames of `frames` that fit
/// (at most [`MODEL_FRAMES`]): exports `model` into `out`, then
/// [`replay`]s. Errors name what is missing: the firmware sources (a
/// `facenmf` not built from a clone of the repository), a tool (with how to
/// install it), room for a frame beside the model.
pub fn replay_model(model: &Model, frames: &[Vec<u8>], out: &Path) -> Result<Replay> {
    let firmware = super::firmware_dir().context(
        "the firmware sources are not next to this binary (build facenmf from a clone of the repository)",
    )?;
    let missing = super::missing_tools(false);
    ensure!(
        missing.is_empty(),
        "the QEMU run needs: {}",
        missing.join("; ")
    );
    let frame_bytes = frames.first().map_or(1, Vec::len);
    let n = frames
        .len()
        .min(MODEL_FRAMES)
        .min(frames_room(model, frame_bytes));
    ensure!(n > 0, "no frame fits in the board's flash beside the model");
    let model_rs = out.join("model.rs");
    crate::export::write(model, &model_rs)?;
    replay(&firmware, model, &model_rs, &frames[..n], out)
}
