//! The Fisherfaces recipe's first stage (`facenmf train --method
//! fisherfaces`): PCA of the training features, mean-centred and whitened,
//! as the chip's linear stage `code = W (x − μ) = W x + c`.
//!
//! Row `i` of `W` is the `i`-th principal axis times `√(n − 1) / σ_i` (unit
//! variance on the training set); `c = −W μ`, summed in f64 over the rows
//! the chip stores (after quantisation, if any). What follows is the NMF
//! recipe's: L2 normalisation, LDA fitted on the training codes, class
//! means.

use anyhow::{ensure, Result};

use super::{FittedBasis, Spec};
use crate::chip::features_all;
use crate::data::Dataset;
use crate::learn::pca::Pca;

/// The whitened PCA of the training features: `nmf.n_components` rows (at
/// most the number of training images and of features).
pub fn fit_whitening(train: &Dataset, spec: &Spec) -> Result<FittedBasis> {
    let extractor = spec.features.extractor(train.width, train.height)?;
    let d = extractor.output_len();
    let start = std::time::Instant::now();
    let x = if extractor.is_identity() {
        train.images.clone()
    } else {
        features_all(&extractor, &train.images)?
    };
    let n = train.len();
    ensure!(n >= 2, "Fisherfaces needs at least two training images");
    let pca = Pca::fit(&x, n, d, spec.nmf.n_components, true, spec.nmf.seed);
    // Axes of zero variance carry nothing (and a whitening of 1): drop them.
    let alive: Vec<usize> = (0..pca.k)
        .filter(|&i| pca.components[i * d..(i + 1) * d].iter().any(|&v| v != 0.0))
        .collect();
    ensure!(!alive.is_empty(), "PCA found no axis of variance");
    let h: Vec<f32> = alive
        .iter()
        .flat_map(|&i| {
            let s = pca.scale[i];
            pca.components[i * d..(i + 1) * d]
                .iter()
                .map(move |&v| v * s)
        })
        .collect();
    Ok(FittedBasis {
        h,
        mean: pca.mean,
        k: alive.len(),
        n_iter: 0,
        rel_error: 0.0,
        fit_seconds: start.elapsed().as_secs_f64(),
    })
}

/// `c = −W μ` (K values) of rows `w` (K x D), summed in f64.
pub fn bias(w: &[f32], mean: &[f32], k: usize, d: usize) -> Vec<f32> {
    (0..k)
        .map(|i| {
            let s: f64 = w[i * d..(i + 1) * d]
                .iter()
                .zip(mean)
                .map(|(&a, &m)| f64::from(a) * f64::from(m))
                .sum();
            (-s) as f32
        })
        .collect()
}
