//! Camera-like test frames from LFW photos: the generator behind
//! `facenmf frames`, deterministic for a seed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use super::make::{face_frame, face_free_frame, read_photo, Settings};
use super::rng::FrameRng;
use super::truth::{FrameTruth, Truth};

/// Sorted person names and every photo as (label, path), sorted.
type Photos = (Vec<String>, Vec<(usize, PathBuf)>);

/// The photos of an LFW folder.
fn photos(dir: &Path) -> Result<Photos> {
    let people = crate::data::lfw::scan_people(dir, true)?;
    let mut classes = Vec::new();
    let mut files = Vec::new();
    for (name, pics) in people {
        if pics.is_empty() {
            continue;
        }
        classes.push(name.replace('_', " "));
        let label = classes.len() - 1;
        files.extend(pics.into_iter().map(|p| (label, p)));
    }
    if files.is_empty() {
        bail!(
            "--from {}: no person folder holds a photo (is this an LFW folder?)",
            dir.display()
        );
    }
    Ok((classes, files))
}

/// Makes `count` frames from the photos under `from` into `out` and returns
/// the answer sheet (also written to `out/truth.json`). Frame `i` depends on
/// `seed` and `i` only. Each file is written whole or not at all.
pub fn generate(from: &Path, out: &Path, seed: u64, count: usize, face_free: f64) -> Result<Truth> {
    generate_only(from, None, out, seed, count, face_free)
}

/// [`generate`] drawing photos only from `only` (files under `from`, e.g. a
/// model's test split from [`super::split::test_photos`]) when given; labels
/// still index all the people of `from`.
pub fn generate_only(
    from: &Path,
    only: Option<&[PathBuf]>,
    out: &Path,
    seed: u64,
    count: usize,
    face_free: f64,
) -> Result<Truth> {
    if !(0.0..=1.0).contains(&face_free) {
        bail!("--face-free must be within 0..=1, got {face_free}");
    }
    if count == 0 {
        bail!("--count must be at least 1");
    }
    let (classes, mut files) = photos(from)?;
    if let Some(only) = only {
        let keep: std::collections::BTreeSet<&PathBuf> = only.iter().collect();
        files.retain(|(_, p)| keep.contains(p));
        if files.is_empty() {
            bail!(
                "--from {}: none of the {} photos asked for is in it",
                from.display(),
                only.len()
            );
        }
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("--out: cannot create {}", out.display()))?;
    let free_every = if face_free > 0.0 {
        1.0 / face_free
    } else {
        f64::INFINITY
    };
    let settings = Settings::default();
    let frames: Vec<FrameTruth> = (0..count)
        .into_par_iter()
        .map(|i| -> Result<FrameTruth> {
            let mut rng = FrameRng::for_item(seed, i as u64);
            // Face-free frames are spread evenly: frame i is one when a
            // multiple of `free_every` falls in [i, i + 1).
            let free = (i as f64 / free_every).ceil() < ((i + 1) as f64 / free_every).ceil();
            let (label, path) = &files[rng.int(0, files.len() as i64 - 1) as usize];
            let photo = read_photo(path)?;
            let frame = if free {
                face_free_frame(&photo, &settings, &mut rng)
            } else {
                face_frame(&photo, &settings, &mut rng)
            };
            let file = format!("frame_{i:05}.pgm");
            write_pgm(
                &out.join(&file),
                settings.width,
                settings.height,
                &frame.pixels,
            )?;
            Ok(FrameTruth {
                file,
                source: path
                    .strip_prefix(from)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .into_owned(),
                person: classes[*label].clone(),
                label: *label as u16,
                face: frame.face,
            })
        })
        .collect::<Result<_>>()?;
    let truth = Truth {
        width: settings.width,
        height: settings.height,
        seed,
        dataset: from.display().to_string(),
        classes,
        frames,
    };
    truth.write(out)?;
    Ok(truth)
}

/// Writes a binary PGM (`P5`), whole or not at all.
pub fn write_pgm(path: &Path, width: usize, height: usize, pixels: &[u8]) -> Result<()> {
    let mut bytes = format!("P5\n{width} {height}\n255\n").into_bytes();
    bytes.extend_from_slice(pixels);
    crate::atomic::write(path, &bytes)
}
