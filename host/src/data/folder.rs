//! A folder of a user's own pictures: one sub-folder per person holding JPEG,
//! PNG or PGM files (other files are ignored), e.g. from the camera's own
//! frames, for enrolment.

use super::lfw::{load_images, scan_people, Prepare};
use super::{DataError, Dataset, Result};
use std::path::Path;

/// Options for [`load`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FolderOptions {
    /// Cut and scale, as for LFW (a fixed `size` suits pictures of mixed sizes).
    pub prepare: Prepare,
    /// Keep people with at least this many pictures (0 keeps all).
    pub min_images: usize,
    /// Skip (with a warning on stderr) images that fail to decode, instead of failing.
    pub skip_corrupt: bool,
}

/// Loads `dir/<person>/<picture>`: people sorted by folder name (labels in
/// that order, names as the folders are named), pictures sorted by file
/// name, no shuffling. A person folder without any picture is an error.
pub fn load(dir: &Path, opts: &FolderOptions) -> Result<Dataset> {
    opts.prepare.validate()?;
    let people = scan_people(dir, true)?;
    if people.is_empty() {
        return Err(DataError::bad(
            dir,
            "holds no person folder (expected one sub-folder of pictures per person)",
        ));
    }
    let mut names = Vec::new();
    let mut files = Vec::new();
    let mut owner = Vec::new();
    for (name, pics) in people {
        if pics.is_empty() {
            return Err(DataError::bad(
                &dir.join(&name),
                "person folder holds no JPEG, PNG or PGM picture",
            ));
        }
        if pics.len() < opts.min_images {
            continue;
        }
        if names.len() == usize::from(u16::MAX) {
            return Err(DataError::bad(dir, "more than 65535 people"));
        }
        for f in pics {
            owner.push(names.len() as u16);
            files.push(f);
        }
        names.push(name);
    }
    if files.is_empty() {
        return Err(DataError::bad(
            dir,
            format!(
                "no person folder with at least {} pictures",
                opts.min_images
            ),
        ));
    }
    let (height, width, loaded) = load_images(&files, &opts.prepare, opts.skip_corrupt)?;
    let mut images = Vec::with_capacity(loaded.len() * height * width);
    let mut labels = Vec::with_capacity(loaded.len());
    for (i, px) in loaded {
        labels.push(owner[i]);
        images.extend_from_slice(&px);
    }
    let ds = Dataset {
        images,
        labels,
        class_names: names,
        height,
        width,
        source: format!("image folder {} ({})", dir.display(), opts.prepare),
    };
    // skipped pictures may have emptied a person
    Ok(if ds.class_counts().contains(&0) {
        ds.drop_empty_classes()
    } else {
        ds
    })
}
