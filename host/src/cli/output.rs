//! Output helpers of the commands: output paths checked before a long
//! run, percentages for tables.

use anyhow::{bail, Result};

/// Fails early (before a long run) when `path` cannot be an output file: its
/// folder is missing or it is a folder.
pub fn check_output_path(path: &std::path::Path, what: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{what} {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() || path.file_name().is_none() {
        bail!("{what} {}: is a folder, not a file", path.display());
    }
    Ok(())
}

/// `a` as a percentage with one decimal, or `-` when not measured.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |a| format!("{:.1}%", 100.0 * a))
}
