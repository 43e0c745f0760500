//! Where the real face datasets are: `$FACENMF_DATA`.
//!
//! Outside CI a test that needs them is skipped with a loud message saying how
//! to get them; in CI (`CI=true`) a missing dataset is a failure.

use std::path::PathBuf;

/// True when running under CI (`CI=true`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The folder `$FACENMF_DATA/<name>` when it exists.
///
/// Returns `None` (after printing how to get the data) when it is missing
/// outside CI; panics with the same message in CI.
pub fn dataset(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("FACENMF_DATA").map(PathBuf::from);
    let found = base.as_ref().map(|b| b.join(name)).filter(|p| p.is_dir());
    if found.is_none() {
        let msg = format!(
            "\n=== SKIPPED: dataset `{name}` not found (FACENMF_DATA={:?}).\n\
             === Point FACENMF_DATA at a folder holding it, e.g. `FACENMF_DATA=../shared/data cargo test`,\n\
             === or fetch it with `cargo run --release -p facenmf-host -- fetch olivetti|lfw`.\n",
            base
        );
        if in_ci() {
            panic!("{msg}(CI=true: a missing dataset is a failure)");
        }
        eprintln!("{msg}");
    }
    found
}

/// The study's LFW set from its folder: at most 50 images per person (2063
/// images of 62 people for `lfw_people_min20_r07`).
pub fn load_study(dir: &std::path::Path) -> facenmf_host::data::Dataset {
    let opts = facenmf_host::data::source::LoadOptions {
        max_per_person: Some(50),
        ..Default::default()
    };
    facenmf_host::data::source::load(dir, &opts).unwrap()
}
