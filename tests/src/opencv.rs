//! OpenCV's cascade files (Debian/Ubuntu package `opencv-data`).
//!
//! Outside CI a test that needs them is skipped with a loud message saying how
//! to get them; in CI (`CI=true`) a missing file is a failure.

use std::path::PathBuf;

/// The frontal-face LBP cascade when installed, with the Haar cascade
/// (`frontalface_alt2`) that the default locator's verifier reads.
pub fn frontal_face_lbp() -> Option<PathBuf> {
    frontal_face_haar()?;
    present(facenmf_host::locate::opencv::DEFAULT_CASCADE)
}

/// The frontal-face Haar cascade `alt2` when installed.
pub fn frontal_face_haar() -> Option<PathBuf> {
    present(facenmf_host::locate::opencv_haar::DEFAULT_HAAR)
}

fn present(path: &str) -> Option<PathBuf> {
    let path = PathBuf::from(path);
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "\n=== SKIPPED: OpenCV cascade {} not found.\n\
         === Install it with `apt-get install opencv-data` (Debian/Ubuntu).\n",
        path.display()
    );
    if crate::data_dir::in_ci() {
        panic!("{msg}(CI=true: a missing tool or file is a failure)");
    }
    eprintln!("{msg}");
    None
}
