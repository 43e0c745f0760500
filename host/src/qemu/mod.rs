//! The firmware in QEMU, from the host: the tools it needs, the frames file
//! its replay camera reads, the build of the QEMU board with an exported
//! model, the run (`-machine netduinoplus2`, semihosting, `timeout`), the
//! parse of its output, and what `facenmf-core` computes on the host for the
//! same frames (to compare with, value for value). The frames file and the
//! output lines are the formats of `facenmf-wire`, which the firmware
//! shares.
//!
//! Used by `facenmf demo`, `facenmf check --qemu` and by the tests crate (which turns these errors
//! into test failures).
//!
//! - [`tools`]: what a run needs and where the firmware crate is.
//! - [`build_board`]: the frames file and the build of the QEMU board.
//! - [`run`]: one run under `timeout`, with the instruction-counting plugin.
//! - [`output`]: the board's output lines, parsed.
//! - [`compare`]: the host's answers for the same frames, and the comparison.
//! - [`replay`]: a model's frames through the board, compared with the host.

mod build_board;
mod compare;
mod output;
mod replay;
mod run;
mod tools;

pub use build_board::{build, build_with_locator, frames_file};
pub use compare::{compare, embed_on_host, predict_on_host, Agreement, Embedded, HostFrame};
pub use output::{marks, parse_output, ChipFrame, ChipOutput};
pub use replay::{frames_room, replay, replay_model, Replay, MODEL_FRAMES};
pub use run::{run, QemuRun};
pub use tools::{firmware_dir, missing_tools};

/// The STM32F4's core clock, in Hz: the figures' "at 168 MHz, one
/// instruction a cycle".
pub const CLOCK_HZ: f64 = 168e6;

/// Milliseconds `instructions` take at [`CLOCK_HZ`], one a cycle.
pub fn milliseconds(instructions: f64) -> f64 {
    instructions / (CLOCK_HZ / 1e3)
}

/// Instructions a SysTick tick of the QEMU board stands for: SysTick counts
/// the core clock ([`CLOCK_HZ`]) of virtual time and `-icount shift=0`
/// advances virtual time by one nanosecond an instruction, so a tick is
/// 1e9 / 168e6 instructions (exact up to the tick's rounding; the TCG
/// plugin counts them exactly).
pub const INSTRUCTIONS_PER_TICK: f64 = 1e9 / CLOCK_HZ;

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
