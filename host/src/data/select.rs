//! Selecting from a dataset: the first N of each person, subsets, class counts
//! and a seeded train/test split.

use super::rng::RandomState;
use super::{DataError, Dataset, Result};

/// A train/test split and where each image came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The training images.
    pub train: Dataset,
    /// The test images.
    pub test: Dataset,
    /// Index in the original dataset of each training image.
    pub train_indices: Vec<usize>,
    /// Index in the original dataset of each test image.
    pub test_indices: Vec<usize>,
}

impl Dataset {
    /// The images at `indices`, in that order (indices may repeat).
    ///
    /// Errors when an index is out of range.
    pub fn subset(&self, indices: &[usize]) -> Result<Dataset> {
        let d = self.pixels();
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.len()) {
            return Err(DataError::option(format!(
                "image index {bad} is out of range (dataset has {})",
                self.len()
            )));
        }
        let mut images = Vec::with_capacity(indices.len() * d);
        for &i in indices {
            images.extend_from_slice(self.image(i));
        }
        Ok(Dataset {
            images,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            class_names: self.class_names.clone(),
            height: self.height,
            width: self.width,
            source: self.source.clone(),
        })
    }

    /// Number of images of each class, in label order.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.class_names.len()];
        for &l in &self.labels {
            if let Some(c) = counts.get_mut(usize::from(l)) {
                *c += 1;
            }
        }
        counts
    }

    /// The first `n` images of each person, in dataset order (the order is kept).
    ///
    /// On LFW loaded in scikit-learn's order this selects the same images as
    /// the study's "at most 50 images per person".
    pub fn max_per_person(&self, n: usize) -> Dataset {
        let mut taken = vec![0usize; self.class_names.len().max(1)];
        let keep: Vec<usize> = (0..self.len())
            .filter(|&i| {
                let l = usize::from(self.labels[i]);
                if l >= taken.len() {
                    taken.resize(l + 1, 0);
                }
                taken[l] += 1;
                taken[l] <= n
            })
            .collect();
        let mut out = self.subset(&keep).unwrap_or_else(|_| self.clone());
        out.source = format!("{}; max {n} per person", self.source);
        out
    }

    /// Drops classes that have no image left and renumbers the labels densely
    /// (names stay in their order).
    pub fn drop_empty_classes(&self) -> Dataset {
        let counts = self.class_counts();
        let mut map = vec![u16::MAX; counts.len()];
        let mut names = Vec::new();
        for (c, &k) in counts.iter().enumerate() {
            if k > 0 {
                map[c] = names.len() as u16;
                names.push(self.class_names[c].clone());
            }
        }
        let mut out = self.clone();
        out.labels = self
            .labels
            .iter()
            .map(|&l| map.get(usize::from(l)).copied().unwrap_or(u16::MAX))
            .collect();
        out.class_names = names;
        out
    }

    /// A seeded train/test split.
    ///
    /// `test_size` is the fraction of images in the test set, in `(0, 1)`.
    ///
    /// Not stratified, this is exactly scikit-learn's
    /// `train_test_split(X, y, test_size=test_size, random_state=seed)`:
    /// `n_test = ceil(test_size * n)`, the permutation of
    /// `RandomState(seed)`, its first `n_test` entries as the test set and the
    /// rest as the training set, in permutation order.
    ///
    /// Stratified, each class is split on its own (its images shuffled with
    /// the same seeded generator, `round(test_size * count)` of them to the
    /// test set, but at least one in each part when the class has two or
    /// more); both parts are then in dataset order. Class proportions are
    /// kept; this is not bit-identical to scikit-learn's `StratifiedShuffleSplit`.
    pub fn train_test_split(&self, test_size: f64, seed: u32, stratify: bool) -> Result<Split> {
        if !(test_size > 0.0 && test_size < 1.0) {
            return Err(DataError::option(format!(
                "test_size must be in (0, 1), got {test_size}"
            )));
        }
        let n = self.len();
        let mut rng = RandomState::new(seed);
        let (train_indices, test_indices) = if !stratify {
            let n_test = (test_size * n as f64).ceil() as usize;
            if n_test == 0 || n_test >= n {
                return Err(DataError::option(format!(
                    "test_size {test_size} of {n} images leaves an empty train or test set"
                )));
            }
            let perm = rng.permutation(n);
            (perm[n_test..].to_vec(), perm[..n_test].to_vec())
        } else {
            let mut test_mask = vec![false; n];
            for c in 0..self.class_names.len() {
                let mut idx: Vec<usize> = (0..n)
                    .filter(|&i| usize::from(self.labels[i]) == c)
                    .collect();
                let count = idx.len();
                if count == 0 {
                    continue;
                }
                rng.shuffle(&mut idx);
                let mut k = (test_size * count as f64).round() as usize;
                if count >= 2 {
                    k = k.clamp(1, count - 1);
                } else {
                    k = 0;
                }
                for &i in &idx[..k] {
                    test_mask[i] = true;
                }
            }
            let train: Vec<usize> = (0..n).filter(|&i| !test_mask[i]).collect();
            let test: Vec<usize> = (0..n).filter(|&i| test_mask[i]).collect();
            if train.is_empty() || test.is_empty() {
                return Err(DataError::option(format!(
                    "test_size {test_size} of {n} images leaves an empty train or test set"
                )));
            }
            (train, test)
        };
        Ok(Split {
            train: self.subset(&train_indices)?,
            test: self.subset(&test_indices)?,
            train_indices,
            test_indices,
        })
    }
}

impl Dataset {
    /// Keeps the people with at least `n` images (like `min_faces_per_person`),
    /// dropping the others from `class_names` and renumbering labels in order.
    pub fn with_min_per_person(&self, n: usize) -> Dataset {
        let counts = self.class_counts();
        let keep: Vec<usize> = (0..self.len())
            .filter(|&i| {
                counts
                    .get(usize::from(self.labels[i]))
                    .is_some_and(|&c| c >= n)
            })
            .collect();
        let mut out = self
            .subset(&keep)
            .unwrap_or_else(|_| self.clone())
            .drop_empty_classes();
        out.source = format!("{}; min {n} per person", self.source);
        out
    }
}
