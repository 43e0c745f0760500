//! The photos of a model's test split, as LFW JPEG files: the photos frames
//! must come from to measure a model on faces it was not trained on.
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
use crate::model::Model;

/// The JPEGs under `from` (an LFW folder) that are the test split of
/// `model`, trained on the same people in scikit-learn's order with at most
/// `max_per_person` images each (`None`: all), with their person names.
pub fn test_photos(
    from: &Path,
    model: &Model,
    max_per_person: Option<usize>,
) -> Result<Vec<(String, PathBuf)>> {
    let split = model.split.ok_or_else(|| {
        anyhow!("--model: the model records no split; retrain it with `facenmf train`")
    })?;
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
    let mut classes = names.clone();
    classes.sort();
    classes.dedup();
    if classes != model.class_names {
        bail!(
            "--from {}: its {} people are not the model's {} (train the model on this folder's people)",
            from.display(),
            classes.len(),
            model.class_names.len()
        );
    }
    if files.len() >= 1 << 24 {
        bail!("--from {}: too many photos", from.display());
    }
    let perm = RandomState::new(42).permutation(files.len());
    let labels = perm
        .iter()
        .map(|&i| classes.binary_search(&names[i]).unwrap_or(0) as u16)
        .collect();
    let mut ds = Dataset {
        images: perm.iter().map(|&i| i as f32).collect(),
        labels,
        class_names: classes,
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
    let test = ds
        .train_test_split(split.test_size, split.seed, split.stratify)?
        .test;
    let recorded = model.provenance.get("accuracy");
    if let Some(expected) = recorded.and_then(|t| recorded_test_images(t)) {
        if expected != test.len() {
            bail!(
                "--model: it was tested on {expected} images, this folder's split gives {} \
                 (is --max-per-person the one it was trained with?)",
                test.len()
            );
        }
    }
    Ok(test
        .images
        .iter()
        .zip(&test.labels)
        .map(|(&i, &l)| {
            (
                test.class_names[usize::from(l)].clone(),
                files[i as usize].clone(),
            )
        })
        .collect())
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
