//! The tools a QEMU run needs, and the firmware crate of this source tree.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::TARGET;

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
