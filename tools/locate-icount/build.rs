//! Puts `memory.x` where the linker finds it and takes the exported locator
//! (`$LOCATE_MODEL`, from `facenmf locator export`) and the frames
//! (`$LOCATE_FRAMES`: 160x120 gray frames back to back) into `OUT_DIR`.
use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-env-changed=LOCATE_MODEL");
    println!("cargo:rerun-if-env-changed=LOCATE_FRAMES");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("copy memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    for (var, name) in [
        ("LOCATE_MODEL", "model.rs"),
        ("LOCATE_FRAMES", "frames.bin"),
    ] {
        let Some(src) = env::var_os(var) else {
            panic!("set ${var} (see tools/locate-icount/README.md)");
        };
        println!("cargo:rerun-if-changed={}", PathBuf::from(&src).display());
        fs::copy(&src, out.join(name)).unwrap_or_else(|e| panic!("${var}: {e}"));
    }
}
