//! The PCA baselines of the study: plain and whitened PCA with k-NN, and
//! Fisherfaces (PCA then LDA), under the same protocols as NMF.

use super::{rows, Accuracy, Decision, EvalConfig, Recipe};
use crate::data::Dataset;
use crate::learn::augment::Augment;
use crate::learn::knn::{accuracy, knn_predict, Metric};
use crate::learn::lda::LdaError;
use crate::learn::pca::Pca;

/// The result of the PCA baselines on one split.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PcaEval {
    /// Plain PCA, k-NN.
    pub accuracy: Accuracy,
    /// PCA with whitening, k-NN.
    pub whiten_accuracy: Accuracy,
    /// Fisherfaces: PCA-whiten → L2 → LDA → nearest class mean (inductive).
    pub fisherfaces: f64,
    /// Fisherfaces with the recipe's training-set augmentation and its
    /// decision (`None` when the recipe adds no copies and decides by class
    /// means, as plain Fisherfaces does): the same tricks given to the
    /// baseline.
    pub fisherfaces_augmented: Option<f64>,
    /// Seconds of the inductive PCA fit (a sweep's one fit, on every row).
    pub fit_seconds: f64,
}

/// The PCA fits the baselines use: whitened, on the training split and (for
/// the transductive protocol) on all images.
#[derive(Debug, Clone)]
pub struct PcaFits {
    /// Fitted on the training split.
    pub train: Pca,
    /// Fitted on all images (`None`: no transductive protocol).
    pub all: Option<Pca>,
    /// Seconds of the training-split fit.
    pub fit_seconds: f64,
    /// Every image projected on `train`'s axes (`n_images × train.k`,
    /// unscaled): each count's scores are their first columns, so a sweep
    /// projects once instead of at every count.
    pub train_scores: Vec<f32>,
    /// Every image projected on `all`'s axes.
    pub all_scores: Option<Vec<f32>>,
}

impl PcaFits {
    /// Fits `k` components (a sweep: its largest count, then
    /// [`eval_pca`] truncates to each row's count).
    pub fn fit(ds: &Dataset, train_idx: &[usize], k: usize, transductive: bool, seed: u64) -> Self {
        let d = ds.pixels();
        let xtr = rows(&ds.images, d, train_idx);
        let t = std::time::Instant::now();
        let train = Pca::fit(&xtr, train_idx.len(), d, k, true, seed);
        let fit_seconds = t.elapsed().as_secs_f64();
        let all = transductive.then(|| Pca::fit(&ds.images, ds.len(), d, k, true, seed));
        PcaFits {
            train_scores: train.project(&ds.images),
            all_scores: all.as_ref().map(|a| a.project(&ds.images)),
            train,
            all,
            fit_seconds,
        }
    }
}

/// Evaluates the PCA baselines (plain and whitened k-NN; Fisherfaces) at
/// `cfg`'s component count, on `fits` truncated to it.
pub fn eval_pca(
    ds: &Dataset,
    train_idx: &[usize],
    test_idx: &[usize],
    cfg: &EvalConfig,
    fits: &PcaFits,
) -> Result<PcaEval, LdaError> {
    let d = ds.pixels();
    let k = cfg.nmf.n_components;
    let classes = ds.class_names.len();
    let ytr: Vec<u16> = train_idx.iter().map(|&i| ds.labels[i]).collect();
    let yte: Vec<u16> = test_idx.iter().map(|&i| ds.labels[i]).collect();
    let mut acc = Accuracy::default();
    let mut wacc = Accuracy::default();
    let pca_w = fits.train.truncated(k);
    let kk = pca_w.k;
    // Rows `idx` of `scores` (`n_images × width`), first `scale.len()`
    // columns, times `scale` (whitened) or not (plain PCA: same axes).
    let pick = |scores: &[f32], width: usize, idx: &[usize], scale: &[f32], whiten: bool| {
        let cols = scale.len();
        idx.iter()
            .flat_map(|&i| {
                let row = &scores[i * width..i * width + cols];
                row.iter()
                    .enumerate()
                    .map(move |(j, &v)| if whiten { v * scale[j] } else { v })
            })
            .collect::<Vec<f32>>()
    };
    let width = fits.train.k;
    let scale = &pca_w.scale[..];
    let ztr = pick(&fits.train_scores, width, train_idx, scale, true);
    let zte = pick(&fits.train_scores, width, test_idx, scale, true);
    let fisher = Recipe {
        power: 1.0,
        l2: true,
        metric: Metric::SquaredL2,
        decision: Decision::ClassMean,
        lda_reg: 1e-6,
        lda_svd_tol: cfg.recipe.and_then(|r| r.lda_svd_tol),
        augment: Augment::NONE,
        ensemble: 1,
    };
    let fisherfaces = fisher.run(&ztr, &ytr, &zte, &yte, kk, classes)?;
    let augment = cfg.recipe.map_or(Augment::NONE, |r| r.augment);
    let decision = cfg.recipe.map_or(Decision::ClassMean, |r| r.decision);
    let fisherfaces_augmented = (augment.copies() > 0 || decision != Decision::ClassMean)
        .then(|| {
            let xtr = rows(&ds.images, d, train_idx);
            let Ok((za, ya)) =
                augment.with_copies(ztr.clone(), &xtr, &ytr, (ds.height, ds.width), |x, _| {
                    Ok::<_, std::convert::Infallible>(pca_w.transform(x))
                });
            // The recipe's decision too: the same tricks given to the baseline.
            let fisher = Recipe { decision, ..fisher };
            fisher.run(&za, &ya, &zte, &yte, kk, classes)
        })
        .transpose()?;
    if cfg.inductive {
        wacc.inductive = Some(accuracy(
            &knn_predict(&ztr, &ytr, &zte, kk, cfg.knn_k, cfg.metric),
            &yte,
        ));
        let (ptr, pte) = (
            pick(&fits.train_scores, width, train_idx, scale, false),
            pick(&fits.train_scores, width, test_idx, scale, false),
        );
        acc.inductive = Some(accuracy(
            &knn_predict(&ptr, &ytr, &pte, kk, cfg.knn_k, cfg.metric),
            &yte,
        ));
    }
    if let (true, Some(all), Some(scores)) = (cfg.transductive, &fits.all, &fits.all_scores) {
        let scale = &all.scale[..k.min(all.k)];
        let kt = scale.len();
        let (ztr, zte) = (
            pick(scores, all.k, train_idx, scale, true),
            pick(scores, all.k, test_idx, scale, true),
        );
        wacc.transductive = Some(accuracy(
            &knn_predict(&ztr, &ytr, &zte, kt, cfg.knn_k, cfg.metric),
            &yte,
        ));
        let (ptr, pte) = (
            pick(scores, all.k, train_idx, scale, false),
            pick(scores, all.k, test_idx, scale, false),
        );
        acc.transductive = Some(accuracy(
            &knn_predict(&ptr, &ytr, &pte, kt, cfg.knn_k, cfg.metric),
            &yte,
        ));
    }
    Ok(PcaEval {
        accuracy: acc,
        whiten_accuracy: wacc,
        fisherfaces,
        fisherfaces_augmented,
        fit_seconds: fits.fit_seconds,
    })
}
