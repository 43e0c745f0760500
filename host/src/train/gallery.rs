//! The templates a device model carries: which kind ([`GalleryKind`]) and
//! how they are built from the training vectors (class means, k-means
//! prototypes).

use serde::Serialize;

use crate::learn::knn;
use crate::model::Template;

/// Which templates go to the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum GalleryKind {
    /// One mean per person (nearest class mean): the cheapest in flash.
    ClassMeans,
    /// Every training face (1-NN over all of them).
    AllFaces,
    /// Up to three prototypes per person: k-means within each person's
    /// training vectors (seeded by the first three, 20 Lloyd iterations).
    Prototypes,
}

/// Prototypes per person of [`GalleryKind::Prototypes`].
pub const PROTOTYPES: usize = 3;

/// One mean template per class present in `labels` (the means of
/// [`knn::class_means`]; classes without a training vector get none).
pub fn class_means(vectors: &[f32], labels: &[u16], m: usize, classes: usize) -> Vec<Template> {
    let means = knn::class_means(vectors, labels, m, classes);
    let mut present = vec![false; classes];
    for &l in labels {
        present[usize::from(l)] = true;
    }
    means
        .chunks(m)
        .enumerate()
        .filter(|&(c, _)| present[c])
        .map(|(c, v)| Template {
            label: c as u16,
            vector: v.to_vec(),
        })
        .collect()
}

/// Up to `p` k-means centres per class (Lloyd's algorithm started from the
/// class's first `p` vectors in dataset order, 20 iterations, squared L2).
pub fn prototypes(
    vectors: &[f32],
    labels: &[u16],
    m: usize,
    classes: usize,
    p: usize,
) -> Vec<Template> {
    let mut out = Vec::new();
    for c in 0..classes {
        let members: Vec<&[f32]> = vectors
            .chunks(m)
            .zip(labels)
            .filter(|(_, &l)| usize::from(l) == c)
            .map(|(v, _)| v)
            .collect();
        let mut centres: Vec<Vec<f64>> = members
            .iter()
            .take(p)
            .map(|v| v.iter().map(|&x| f64::from(x)).collect())
            .collect();
        for _ in 0..20 {
            let mut sums = vec![vec![0.0f64; m]; centres.len()];
            let mut counts = vec![0usize; centres.len()];
            for v in &members {
                let nearest = (0..centres.len())
                    .min_by(|&a, &b| sq_dist(v, &centres[a]).total_cmp(&sq_dist(v, &centres[b])))
                    .unwrap_or(0);
                counts[nearest] += 1;
                for (s, &x) in sums[nearest].iter_mut().zip(v.iter()) {
                    *s += f64::from(x);
                }
            }
            for (j, centre) in centres.iter_mut().enumerate() {
                if counts[j] > 0 {
                    *centre = sums[j].iter().map(|s| s / counts[j] as f64).collect();
                }
            }
        }
        out.extend(centres.into_iter().map(|v| Template {
            label: c as u16,
            vector: v.into_iter().map(|x| x as f32).collect(),
        }));
    }
    out
}

fn sq_dist(a: &[f32], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (f64::from(x) - y).powi(2))
        .sum()
}
