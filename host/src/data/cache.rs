//! The raw cache format (`images.u8`, `labels.u8` or `labels.u16`,
//! `meta.json`), as in `shared/data/README.md`: headerless bytes, one gray
//! byte per pixel, image after image, row-major; one class index per image,
//! a byte in `labels.u8` (at most 256 classes) or a little-endian u16 in
//! `labels.u16` (more); JSON metadata with `n`, `height`, `width`, `classes`
//! and `files.<name>.{bytes,sha256}`. A folder holds exactly one of the two
//! label files.
//!
//! Pixels are scaled to `[0, 1]` by dividing by `meta.divisor` when present,
//! else by `meta.pixel_max` when present (the shared Olivetti folder records
//! 242, so it loads as scikit-learn's `u8 / 242`; LFW records 255), else 255.

use super::{sha256_hex, DataError, Dataset, Result};
use serde_json::{json, Map, Value};
use std::fs;
use std::path::Path;

/// File names of the format.
pub const IMAGES: &str = "images.u8";
/// File names of the format: labels as bytes (at most 256 classes).
pub const LABELS: &str = "labels.u8";
/// File names of the format: labels as little-endian u16 (more than 256 classes).
pub const LABELS_U16: &str = "labels.u16";
/// File names of the format.
pub const META: &str = "meta.json";

/// True when `dir` looks like a cache folder (has `meta.json` and `images.u8`).
pub fn is_cache_dir(dir: &Path) -> bool {
    dir.join(META).is_file() && dir.join(IMAGES).is_file()
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| DataError::io(path, e))
}

/// The label file of a cache folder and its width in bytes: `labels.u8` or
/// `labels.u16`; both or neither is an error naming the folder.
fn label_file(dir: &Path) -> Result<(std::path::PathBuf, usize)> {
    let (narrow, wide) = (dir.join(LABELS), dir.join(LABELS_U16));
    match (narrow.is_file(), wide.is_file()) {
        (true, false) => Ok((narrow, 1)),
        (false, true) => Ok((wide, 2)),
        (true, true) => Err(DataError::bad(
            dir,
            format!("holds both {LABELS} and {LABELS_U16}; keep the one meta.json describes"),
        )),
        (false, false) => Err(DataError::bad(
            dir,
            format!("has no label file ({LABELS} or {LABELS_U16})"),
        )),
    }
}

/// Class indices from a label file's bytes of `width` 1 or 2 (little-endian).
fn decode_labels(bytes: &[u8], width: usize) -> Vec<u16> {
    if width == 1 {
        bytes.iter().map(|&b| u16::from(b)).collect()
    } else {
        bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    }
}

fn field_usize(meta: &Value, path: &Path, key: &str) -> Result<usize> {
    meta.get(key)
        .and_then(Value::as_u64)
        .map(|v| v as usize)
        .ok_or_else(|| DataError::bad(path, format!("missing or non-integer field `{key}`")))
}

/// Checks `bytes` (the content of `dir/name`) against `meta.files[name]`, when recorded.
fn check_recorded(
    meta: &Value,
    meta_path: &Path,
    dir: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<()> {
    let Some(rec) = meta.get("files").and_then(|f| f.get(name)) else {
        return Ok(());
    };
    let path = dir.join(name);
    if let Some(want) = rec.get("bytes").and_then(Value::as_u64) {
        if want != bytes.len() as u64 {
            return Err(DataError::bad(
                &path,
                format!(
                    "has {} bytes but {} records {want}",
                    bytes.len(),
                    meta_path.display()
                ),
            ));
        }
    }
    if let Some(want) = rec.get("sha256").and_then(Value::as_str) {
        let got = sha256_hex(bytes);
        if !want.eq_ignore_ascii_case(&got) {
            return Err(DataError::bad(
                &path,
                format!(
                    "sha256 is {got} but {} records {want} (file changed or corrupt)",
                    meta_path.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Loads a cache folder, checking sizes against `meta.json` and the sha256 it records.
pub fn load(dir: &Path) -> Result<Dataset> {
    if !dir.is_dir() {
        return Err(DataError::bad(dir, "no such folder"));
    }
    let meta_path = dir.join(META);
    let meta_bytes = read(&meta_path)?;
    let meta: Value = serde_json::from_slice(&meta_bytes)
        .map_err(|e| DataError::bad(&meta_path, format!("not valid JSON: {e}")))?;
    let n = field_usize(&meta, &meta_path, "n")?;
    let height = field_usize(&meta, &meta_path, "height")?;
    let width = field_usize(&meta, &meta_path, "width")?;
    if height == 0 || width == 0 {
        return Err(DataError::bad(
            &meta_path,
            format!("image size {height} x {width} is empty"),
        ));
    }
    let classes: Vec<String> = meta
        .get("classes")
        .and_then(Value::as_array)
        .ok_or_else(|| DataError::bad(&meta_path, "missing field `classes` (list of names)"))?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<_>>()
        .ok_or_else(|| DataError::bad(&meta_path, "`classes` must be a list of strings"))?;

    let images_path = dir.join(IMAGES);
    let (labels_path, label_width) = label_file(dir)?;
    let label_name = if label_width == 1 { LABELS } else { LABELS_U16 };
    let images = read(&images_path)?;
    let label_bytes = read(&labels_path)?;
    let want = n
        .checked_mul(height * width)
        .ok_or_else(|| DataError::bad(&meta_path, "n*height*width overflows"))?;
    if images.len() != want {
        return Err(DataError::bad(
            &images_path,
            format!(
                "has {} bytes, but meta.json says n={n}, height={height}, width={width}, i.e. {want} bytes{}",
                images.len(),
                if images.len() < want { " (truncated?)" } else { "" }
            ),
        ));
    }
    if label_bytes.len() != n * label_width {
        return Err(DataError::bad(
            &labels_path,
            format!(
                "has {} bytes, but meta.json says n={n}, i.e. {} bytes",
                label_bytes.len(),
                n * label_width
            ),
        ));
    }
    check_recorded(&meta, &meta_path, dir, IMAGES, &images)?;
    check_recorded(&meta, &meta_path, dir, label_name, &label_bytes)?;
    let labels = decode_labels(&label_bytes, label_width);
    if let Some((i, &l)) = labels
        .iter()
        .enumerate()
        .find(|(_, &l)| usize::from(l) >= classes.len())
    {
        return Err(DataError::bad(
            &labels_path,
            format!(
                "label {l} of image {i} is out of range: meta.json lists {} classes",
                classes.len()
            ),
        ));
    }

    let divisor = meta
        .get("divisor")
        .and_then(Value::as_f64)
        .or_else(|| meta.get("pixel_max").and_then(Value::as_f64))
        .unwrap_or(255.0);
    if !(divisor > 0.0 && divisor.is_finite()) {
        return Err(DataError::bad(
            &meta_path,
            format!("pixel divisor {divisor} must be > 0"),
        ));
    }
    let divisor = divisor as f32;
    let images = images.iter().map(|&b| f32::from(b) / divisor).collect();
    let source = meta
        .get("source_summary")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("cache {}", dir.display()));
    Ok(Dataset {
        images,
        labels,
        class_names: classes,
        height,
        width,
        source,
    })
}

/// Writes `bytes` to `path` atomically (see [`crate::atomic::write_io`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic::write_io(path, bytes).map_err(|e| DataError::io(path, e))
}

/// Writes `ds` as a cache folder in `dir` (created if needed): pixels as
/// `round(x * 255)`, labels as bytes (`labels.u8`) for at most 256 classes,
/// else as little-endian u16 (`labels.u16`), and `meta.json` with sizes and
/// sha256.
///
/// Each file is written to a temporary name and renamed; `meta.json` comes
/// last, so an interrupted write never leaves a folder that loads. A label
/// file of the other width left by an earlier save is removed after the
/// stale `meta.json`.
pub fn save(ds: &Dataset, dir: &Path, extra: Option<Map<String, Value>>) -> Result<()> {
    if ds.class_names.len() > usize::from(u16::MAX) + 1 {
        return Err(DataError::option(format!(
            "the cache format stores labels as u16: {} classes is more than 65536",
            ds.class_names.len()
        )));
    }
    if ds.images.len() != ds.len() * ds.pixels() {
        return Err(DataError::option(
            "dataset images and labels disagree in length",
        ));
    }
    if let Some(&l) = ds
        .labels
        .iter()
        .find(|&&l| usize::from(l) >= ds.class_names.len())
    {
        return Err(DataError::option(format!("label {l} has no class name")));
    }
    fs::create_dir_all(dir).map_err(|e| DataError::io(dir, e))?;
    let images: Vec<u8> = ds.images.iter().map(|&x| super::gray8(x)).collect();
    let (label_name, stale_name, labels): (&str, &str, Vec<u8>) = if ds.class_names.len() <= 256 {
        (
            LABELS,
            LABELS_U16,
            ds.labels.iter().map(|&l| l as u8).collect(),
        )
    } else {
        let bytes = ds.labels.iter().flat_map(|l| l.to_le_bytes()).collect();
        (LABELS_U16, LABELS, bytes)
    };
    let meta_path = dir.join(META);
    // A stale meta.json must not describe the new files while they are written.
    if meta_path.exists() {
        fs::remove_file(&meta_path).map_err(|e| DataError::io(&meta_path, e))?;
    }
    let stale = dir.join(stale_name);
    if stale.exists() {
        fs::remove_file(&stale).map_err(|e| DataError::io(&stale, e))?;
    }
    write_atomic(&dir.join(IMAGES), &images)?;
    write_atomic(&dir.join(label_name), &labels)?;
    let mut counts = vec![0usize; ds.class_names.len()];
    for &l in &ds.labels {
        counts[usize::from(l)] += 1;
    }
    let mut meta = json!({
        "n": ds.len(),
        "height": ds.height,
        "width": ds.width,
        "dtype": "uint8",
        "layout": "row-major, image after image, upright",
        "classes": ds.class_names,
        "class_counts": counts,
        "divisor": 255,
        "conversion": "stored as round(x*255) of the float images in [0,1]; loads as u8/255",
        "source_summary": ds.source,
        "made_by": format!("facenmf {}", env!("CARGO_PKG_VERSION")),
        "files": {
            IMAGES: { "bytes": images.len(), "sha256": sha256_hex(&images) },
            label_name: { "bytes": labels.len(), "sha256": sha256_hex(&labels) },
        },
    });
    if let (Some(extra), Some(obj)) = (extra, meta.as_object_mut()) {
        for (k, v) in extra {
            obj.entry(k).or_insert(v);
        }
    }
    let text = serde_json::to_string_pretty(&meta)
        .map_err(|e| DataError::bad(&meta_path, e.to_string()))?;
    write_atomic(&meta_path, text.as_bytes())
}
