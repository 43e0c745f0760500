//! The photos of a model's training and test split, as LFW JPEG files: test
//! frames must come from the test part to measure a model on faces it was not
//! trained on; the box map and training on located faces use the training
//! part only.
//!
//! An LFW folder's photos are put in scikit-learn's order (people sorted,
//! their files sorted, then `RandomState(42)`'s permutation, as
//! [`crate::data::lfw::load`] does), the first `max_per_person` of each
//! person kept ([`Dataset::max_per_person`]) and split with the model's
//! recorded [`crate::model::SplitInfo`] ([`Dataset::train_test_split`]). The
//! same code as the trainer's selects the images: each photo travels as a
//! one-pixel image holding its own index.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};

use crate::data::rng::RandomState;
use crate::data::Dataset;
use crate::model::{Model, SplitInfo};

/// A person's name and one of their photos.
pub type Photo = (String, PathBuf);

/// The photos of a split, each part in the trainer's order.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitPhotos {
    /// The training part.
    pub train: Vec<Photo>,
    /// The test part.
    pub test: Vec<Photo>,
}

/// The JPEGs under `from` (an LFW folder) split as the trainer splits the
/// same people (`classes`, sorted) in scikit-learn's order with at most
/// `max_per_person` images each (`None`: all), with their person names.
pub fn split_photos(
    from: &Path,
    classes: &[String],
    split: SplitInfo,
    max_per_person: Option<usize>,
) -> Result<SplitPhotos> {
    let people = crate::data::lfw::scan_people(from, true)?;
    let mut names = Vec::new();
    let mut files = Vec::new();
    for (name, pics) in people {
        let name = name.replace('_', " ");
        for f in pics {
            names.push(name.clone());
            files.push(f);
        }
    }
    let mut found = names.clone();
    found.sort();
    found.dedup();
    if found != classes {
        bail!(
            "--from {}: its {} people are not the model's {} (train the model on this folder's people)",
            from.display(),
            found.len(),
            classes.len()
        );
    }
    if files.len() >= 1 << 24 {
        bail!("--from {}: too many photos", from.display());
    }
    let perm = RandomState::new(42).permutation(files.len());
    let labels = perm
        .iter()
        .map(|&i| found.binary_search(&names[i]).unwrap_or(0) as u16)
        .collect();
    let mut ds = Dataset {
        images: perm.iter().map(|&i| i as f32).collect(),
        labels,
        class_names: found,
        height: 1,
        width: 1,
        source: from.display().to_string(),
    };
    if let Some(n) = max_per_person {
        if n == 0 {
            bail!("--max-per-person must be at least 1");
        }
        ds = ds.max_per_person(n);
    }
    let parts = ds.train_test_split(split.test_size, split.seed, split.stratify)?;
    let photos = |part: &Dataset| -> Vec<Photo> {
        part.images
            .iter()
            .zip(&part.labels)
            .map(|(&i, &l)| {
                (
                    part.class_names[usize::from(l)].clone(),
                    files[i as usize].clone(),
                )
            })
            .collect()
    };
    Ok(SplitPhotos {
        train: photos(&parts.train),
        test: photos(&parts.test),
    })
}

/// The photos of `model`'s split ([`split_photos`] with the split and people
/// the model records); refused when the model's recorded test count differs.
pub fn model_photos(
    from: &Path,
    model: &Model,
    max_per_person: Option<usize>,
) -> Result<SplitPhotos> {
    let split = model.split.ok_or_else(|| {
        anyhow!("--model: the model records no split; retrain it with `facenmf train`")
    })?;
    let photos = split_photos(from, &model.class_names, split, max_per_person)?;
    let recorded = model.provenance.get("accuracy");
    if let Some(expected) = recorded.and_then(|t| recorded_test_images(t)) {
        if expected != photos.test.len() {
            bail!(
                "--model: it was tested on {expected} images, this folder's split gives {} \
                 (is --max-per-person the one it was trained with?)",
                photos.test.len()
            );
        }
    }
    Ok(photos)
}

/// The test part of [`model_photos`]: the photos frames must come from to
/// measure the model on faces it was not trained on.
pub fn test_photos(
    from: &Path,
    model: &Model,
    max_per_person: Option<usize>,
) -> Result<Vec<Photo>> {
    Ok(model_photos(from, model, max_per_person)?.test)
}

/// The training part of [`model_photos`]: the photos the box map (and a
/// model trained on located faces) may learn from.
pub fn train_photos(
    from: &Path,
    model: &Model,
    max_per_person: Option<usize>,
) -> Result<Vec<Photo>> {
    Ok(model_photos(from, model, max_per_person)?.train)
}

/// The number of test images in a model's `accuracy` provenance
/// ("… on N test images …"), when it says.
fn recorded_test_images(text: &str) -> Option<usize> {
    let (_, after) = text.split_once(" on ")?;
    after.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_count_is_read_from_the_provenance() {
        let text = "0.5570 on 411 test images (inductive, chip pipeline)";
        assert_eq!(recorded_test_images(text), Some(411));
        assert_eq!(recorded_test_images("n/a"), None);
    }
}
