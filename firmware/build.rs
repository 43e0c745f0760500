//! Build script of the firmware.
//!
//! For the chip (`target_os = "none"`) it puts the memory layout where the
//! linker finds it as `memory.x` and links the binaries with cortex-m-rt's
//! `link.x` (and defmt's `defmt.x` with the `defmt` feature). The layout is
//! `memory-disc1.x` (code and model in 768 KiB, the last 256 KiB of flash
//! kept for the template store) unless only the QEMU boards are built
//! (feature `qemu` without `disc1`): they keep no store in flash, so
//! `memory-qemu.x` gives code, model and frames the whole 1 MiB.
//!
//! For a board (features `qemu`, `disc1`) it also
//! - takes the exported model from `$FACENMF_MODEL` (a path) or else
//!   `firmware/model.rs`, and fails saying how to make one when neither exists;
//! - for the QEMU board, takes the replay camera's frames from `$FACENMF_FRAMES` (a path,
//!   a frames file of `facenmf_wire::frames`, checked here), or else builds in none (the
//!   QEMU board then makes a few synthetic frames).
//!
//! - takes the face locator exported by `facenmf locator export` from
//!   `$FACENMF_LOCATOR` (a path) when set, and builds the board with
//!   `cfg(facenmf_locator)`: the QEMU board then replays whole 160 x 120
//!   gray frames (locate, crop, recognise; a `face=` line each) and the DISC1
//!   board locates the face in its QQVGA frames. Unset, the boards cut the
//!   model's fixed crop, and their code is the same as without this option.
//!
//! `$FACENMF_FAULT` (`panic`, `hardfault` or `hang`) builds a QEMU board that
//! fails that way right after its header line, for the tests.
//!
//! On the host only the library is built (the tests crate tests it there), so
//! nothing is needed.
use std::{env, fs, path::PathBuf};

use facenmf_wire::frames::{self, Frames};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FACENMF_MODEL");
    println!("cargo:rerun-if-env-changed=FACENMF_FRAMES");
    println!("cargo:rerun-if-env-changed=FACENMF_FAULT");
    println!("cargo:rerun-if-env-changed=FACENMF_LOCATOR");
    println!("cargo::rustc-check-cfg=cfg(facenmf_locator)");
    println!(
        "cargo::rustc-check-cfg=cfg(facenmf_fault, values(\"panic\", \"hardfault\", \"hang\"))"
    );
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        return;
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let here = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));

    let layout = if env::var_os("CARGO_FEATURE_QEMU").is_some()
        && env::var_os("CARGO_FEATURE_DISC1").is_none()
    {
        "memory-qemu.x"
    } else {
        "memory-disc1.x"
    };
    fs::copy(here.join(layout), out.join("memory.x")).expect("copy the memory layout");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory-disc1.x");
    println!("cargo:rerun-if-changed=memory-qemu.x");
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    if env::var_os("CARGO_FEATURE_DEFMT").is_some() {
        println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
    }

    if env::var_os("CARGO_FEATURE_QEMU").is_some() || env::var_os("CARGO_FEATURE_DISC1").is_some() {
        model(&here, &out);
        locator(&out);
    }
    if env::var_os("CARGO_FEATURE_QEMU").is_some() {
        frames(&out);
        // For the tests only: a QEMU board that fails on purpose.
        match env::var("FACENMF_FAULT").as_deref() {
            Ok(f @ ("panic" | "hardfault" | "hang")) => {
                println!("cargo:rustc-cfg=facenmf_fault=\"{f}\"");
                println!("cargo:warning=FACENMF_FAULT={f}: this firmware fails on purpose");
            }
            Ok("") | Err(_) => {}
            Ok(other) => fail(&format!(
                "FACENMF_FAULT={other}: expected panic, hardfault or hang"
            )),
        }
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("\nerror: {msg}\n");
    std::process::exit(1);
}

/// The locator of `$FACENMF_LOCATOR`, when set, into `OUT_DIR/locator.rs`.
fn locator(out: &std::path::Path) {
    let Some(path) = env::var_os("FACENMF_LOCATOR").filter(|p| !p.is_empty()) else {
        return;
    };
    let path = PathBuf::from(path);
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        fail(&format!(
            "FACENMF_LOCATOR={}: cannot read ({e}).\n\
             Export a fitted locator with the trainer, from the repository root:\n\
             \n    cargo run --release -p facenmf-host -- locator export --locator locator.json --out locator.rs",
            path.display()
        ))
    });
    for name in [
        "WINDOW",
        "PYRAMID",
        "MIN_NEIGHBOURS",
        "BOX_MAP",
        "FEATURES",
        "WEAKS",
        "STAGES",
        "TABLE_LEN",
        "SEEDING",
    ] {
        if !text.contains(&format!("pub const {name}")) {
            fail(&format!(
                "FACENMF_LOCATOR={}: no `{name}` in it; is it the output of `facenmf locator export`?",
                path.display()
            ));
        }
    }
    fs::write(out.join("locator.rs"), module_source(&text)).expect("write locator.rs");
    println!("cargo:rustc-cfg=facenmf_locator");
}

fn model(here: &std::path::Path, out: &std::path::Path) {
    let path = match env::var_os("FACENMF_MODEL") {
        Some(p) => PathBuf::from(p),
        None => here.join("model.rs"),
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        fail(&format!(
            "no model for the firmware: cannot read {} ({e}).\n\
             Export a trained model (JSON) with the trainer, from the repository root:\n\
             \n    cargo run --release -p facenmf-host -- export --model model.json --out firmware/model.rs\n\
             \n\
             or point FACENMF_MODEL at an exported model file.",
            path.display()
        ))
    });
    fs::write(out.join("model.rs"), module_source(&text)).expect("write model.rs");
}

/// `text` made fit to be `include!`d into a module: inner doc comments and
/// inner attributes of the file's header become plain comments.
fn module_source(text: &str) -> String {
    let mut body = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("//!") {
            body.push_str("//");
            body.push_str(rest);
        } else if t.starts_with("#![") {
            body.push_str("// ");
            body.push_str(t);
        } else {
            body.push_str(line);
        }
        body.push('\n');
    }
    body
}

fn frames(out: &std::path::Path) {
    let bytes = match env::var_os("FACENMF_FRAMES") {
        Some(p) => {
            let path = PathBuf::from(p);
            println!("cargo:rerun-if-changed={}", path.display());
            let bytes = fs::read(&path).unwrap_or_else(|e| {
                fail(&format!(
                    "FACENMF_FRAMES={}: cannot read ({e})",
                    path.display()
                ))
            });
            if let Err(e) = Frames::new_checked(&bytes) {
                fail(&format!("FACENMF_FRAMES={}: {e}", path.display()));
            }
            bytes
        }
        None => {
            println!(
                "cargo:warning=FACENMF_FRAMES not set: no recorded frames built in (the QEMU board makes synthetic ones)"
            );
            frames::header(0, 0).to_vec()
        }
    };
    fs::write(out.join("frames.bin"), bytes).expect("write frames.bin");
}
