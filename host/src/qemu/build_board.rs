//! The frames file the board replays, and the build of the QEMU board with an
//! exported model (and a face locator, when given).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::TARGET;

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
