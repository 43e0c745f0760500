//! One run of the board under `timeout`, with the instruction-counting plugin.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::{EXIT_FRAME_FAILED, EXIT_HARDFAULT, EXIT_PANIC, EXIT_SETUP, EXIT_TIMEOUT};

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
