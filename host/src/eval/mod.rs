//! Evaluation: the study's experiment (NMF codes → k-NN, both protocols, PCA
//! baseline) and the recognition recipe (codes → LDA → class decision: the
//! Parzen window over the training faces and their copies, or the nearest
//! class mean as on the device).
//!
//! - *inductive* (the default, what a device does): NMF is fitted on the
//!   training split; gallery and test images are both encoded with
//!   [`crate::nmf::transform::transform`] (the chip's NNLS).
//! - *transductive* (the study's): NMF is fitted on all images, the codes `W`
//!   are then split.

pub mod augment;
pub mod components;
pub mod knn;
pub mod lda;
pub mod parzen;
pub mod pca;
pub mod sweep;

use crate::data::Dataset;
use crate::nmf::sketch::RankedSketch;
use crate::nmf::{self, NmfError, NmfFit, NmfParams};
use augment::Augment;
use facenmf_core::nnls::StopRule;
use knn::{accuracy, knn_predict, Metric};
use lda::Lda;
use pca::Pca;

/// Rows of `images` at `idx`.
pub fn rows(images: &[f32], d: usize, idx: &[usize]) -> Vec<f32> {
    idx.iter()
        .flat_map(|&i| images[i * d..(i + 1) * d].iter().copied())
        .collect()
}

/// How codes are prepared before the LDA map.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Recipe {
    /// Element-wise power of the codes before the normalisation: 0.5 is
    /// the square root (the device's; computed as `sqrt`), 1 leaves them.
    /// Default 0.7: on LFW (hals k = 200, 5 + 5 split seeds, the same bases)
    /// it beat the square root on every one of ten splits (+2.4 and +3.0
    /// points on average), and no power (1) by 1.4 points; 0.85 was the same
    /// within noise (+0.3), 0.25 lost 8.5.
    pub power: f32,
    /// L2-normalise the (square-rooted) codes.
    pub l2: bool,
    /// Metric of the nearest-class-mean decision in the LDA space (the
    /// Parzen decision is always cosine).
    pub metric: Metric,
    /// How the LDA points are classified.
    pub decision: Decision,
    /// Ridge added to the within-class scatter, relative to its mean diagonal.
    pub lda_reg: f64,
    /// `Some(tol)`: fit the LDA as scikit-learn's `solver='svd'` with this
    /// rank cut-off instead of the ridge ([`Lda::fit_svd`]).
    pub lda_svd_tol: Option<f64>,
    /// Mirrored / shifted / turned copies of the training faces for the map
    /// and the decision (class means or the Parzen gallery; [`Augment`]).
    pub augment: Augment,
    /// NMF bases (fits with seeds `seed, seed + 1, …`) whose distances to
    /// the classes are added before the decision (1: one basis). Each
    /// adds a fit and an encoding of every face (on a chip: a basis, a map
    /// and a set of class means); it averages out how much the recognition
    /// depends on the particular basis a fit lands on.
    pub ensemble: usize,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe {
            power: 0.7,
            l2: true,
            metric: Metric::Cosine,
            decision: Decision::PARZEN,
            lda_reg: 1e-6,
            lda_svd_tol: None,
            // LFW, hals k = 200, ten split seeds, the same codes (power 0.7):
            // with the Parzen decision none 54.6%, mirror 57.3%, + shifts of
            // 1 / 2 / 3 pixels 60.2 / 61.8 / 63.1%, + turns of ±5° 63.7%
            // (class means: 54.3, 56.0, 58.1, 59.0, 59.4, 59.5%).
            augment: Augment {
                flip: true,
                shift: 3,
                turn: 5,
                zoom: 0,
            },
            ensemble: 1,
        }
    }
}

/// The recipe's decision in the LDA space.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The nearest class mean, with the recipe's metric (the chip's).
    ClassMean,
    /// [`parzen::soft_min_distances`]: a soft minimum of the cosine
    /// distances to every training point and copy, kernel width `width`.
    Parzen {
        /// Kernel width in cosine distance (finite, > 0).
        width: f32,
    },
}

impl Decision {
    /// The default Parzen width. On LFW (hals k = 200, shift-3/turn-5
    /// copies, the same codes) 63.7 ± 2.1% over ten split seeds against
    /// 59.5 ± 1.9% with the class means; widths 0.03 / 0.07: 61.6 / 63.1%.
    pub const PARZEN_WIDTH: f32 = 0.05;
    /// The default decision: Parzen with [`Decision::PARZEN_WIDTH`].
    pub const PARZEN: Decision = Decision::Parzen {
        width: Self::PARZEN_WIDTH,
    };
}

impl Recipe {
    /// Applies the power / normalisation to codes (`n×k`).
    pub fn prepare(&self, codes: &[f32], k: usize) -> Vec<f32> {
        let p = self.power;
        let mut c: Vec<f32> = if p == 1.0 {
            codes.to_vec()
        } else if p == 0.5 {
            codes.iter().map(|v| v.max(0.0).sqrt()).collect()
        } else {
            codes.iter().map(|v| v.max(0.0).powf(p)).collect()
        };
        if self.l2 {
            knn::l2_normalise(&mut c, k);
        }
        c
    }

    /// Fits LDA on prepared training codes and returns the distances of the
    /// mapped test codes to each class under the recipe's decision
    /// (`test × classes`, row-major; the smallest wins).
    pub fn distances(
        &self,
        train: &[f32],
        train_labels: &[u16],
        test: &[f32],
        k: usize,
        classes: usize,
    ) -> Vec<f32> {
        let (tr, te) = (self.prepare(train, k), self.prepare(test, k));
        let lda = match self.lda_svd_tol {
            Some(tol) => Lda::fit_svd(&tr, train_labels, k, classes, tol),
            None => Lda::fit(&tr, train_labels, k, classes, self.lda_reg),
        };
        let zte = lda.apply(&te);
        match self.decision {
            Decision::ClassMean => knn::distances(&zte, &lda.templates, lda.m, self.metric),
            Decision::Parzen { width } => {
                let ztr = lda.apply(&tr);
                parzen::soft_min_distances(&zte, &ztr, train_labels, lda.m, classes, width)
            }
        }
    }

    /// Fits LDA on prepared training codes and classifies the test codes by
    /// the recipe's decision; returns the accuracy.
    pub fn run(
        &self,
        train: &[f32],
        train_labels: &[u16],
        test: &[f32],
        test_labels: &[u16],
        k: usize,
        classes: usize,
    ) -> f64 {
        let d = self.distances(train, train_labels, test, k, classes);
        accuracy(&nearest(&d, classes), test_labels)
    }
}

/// The class of the smallest distance in each row of `d` (`rows × classes`).
pub fn nearest(d: &[f32], classes: usize) -> Vec<u16> {
    d.chunks(classes)
        .map(|row| {
            let best = (0..classes).min_by(|&a, &b| row[a].total_cmp(&row[b]));
            best.unwrap_or(0) as u16
        })
        .collect()
}

/// Everything one evaluation needs besides the data.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    /// NMF options (`n_components` included).
    pub nmf: NmfParams,
    /// Neighbours of the k-NN.
    pub knn_k: usize,
    /// Metric of the k-NN.
    pub metric: Metric,
    /// Stopping rule of `transform` (the chip's NNLS).
    pub transform_rule: StopRule,
    /// The recipe (`None`: skip it).
    pub recipe: Option<Recipe>,
    /// Run the inductive protocol.
    pub inductive: bool,
    /// Run the transductive protocol.
    pub transductive: bool,
    /// Sketches made once for several fits (a sweep): each fit with
    /// `nmf.sketch = Some(l)` takes their leading rank-`l` part instead of
    /// making its own. `None`: each fit makes its own.
    pub sketches: Option<std::sync::Arc<Sketches>>,
    /// Fit the two protocols' NMF at the same time (a sweep): they share the
    /// cores, which the products of small component counts leave partly
    /// idle; the results are the same, and `fit_seconds` then counts the
    /// inductive fit's wall time while sharing them.
    pub side_by_side: bool,
}

/// The sketches of a sweep, at its largest rank: of the training split and
/// (for the transductive protocol) of all images — never one across the
/// split, which would show the test faces to the inductive fit.
#[derive(Debug, Clone)]
pub struct Sketches {
    /// Of the training split's images.
    pub train: RankedSketch,
    /// Of all images (`None`: no transductive protocol).
    pub all: Option<RankedSketch>,
}

impl Sketches {
    /// Sketches at rank `l` with the fits' power iterations and `seed`.
    pub fn new(ds: &Dataset, train_idx: &[usize], l: usize, transductive: bool, seed: u64) -> Self {
        let d = ds.pixels();
        let xtr = rows(&ds.images, d, train_idx);
        let make = |x: &[f32], n| RankedSketch::new(x, n, d, l, nmf::sketch::POWER_ITER, seed);
        Sketches {
            train: make(&xtr, train_idx.len()),
            all: transductive.then(|| make(&ds.images, ds.len())),
        }
    }
}

/// Fits `cfg.nmf` on `x`, on the leading part of `shared` when both it and
/// `cfg.nmf.sketch` are given.
fn fit_nmf(
    x: &[f32],
    n: usize,
    d: usize,
    cfg: &EvalConfig,
    shared: Option<&RankedSketch>,
) -> Result<NmfFit, NmfError> {
    let given = shared.zip(cfg.nmf.sketch).map(|(s, l)| s.leading(l));
    nmf::fit_with_sketch(x, n, d, &cfg.nmf, given)
}

/// One method's accuracies under both protocols (`None`: not run).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Accuracy {
    /// Fit on train, encode test.
    pub inductive: Option<f64>,
    /// Fit on all, split the codes.
    pub transductive: Option<f64>,
}

/// The result of evaluating NMF on one split.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NmfEval {
    /// k-NN accuracy on the codes.
    pub accuracy: Accuracy,
    /// Seconds of the inductive fit (else the transductive one).
    pub fit_seconds: f64,
    /// Iterations of that fit.
    pub n_iter: usize,
    /// `‖X−WH‖/‖X‖` of that fit.
    pub rel_error: f64,
    /// Seconds to encode gallery and test with the chip's NNLS (inductive).
    pub transform_seconds: Option<f64>,
    /// Recipe accuracy (inductive).
    pub recipe_accuracy: Option<f64>,
}

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

/// Evaluates NMF on `ds` with the split `(train_idx, test_idx)`.
pub fn eval_nmf(
    ds: &Dataset,
    train_idx: &[usize],
    test_idx: &[usize],
    cfg: &EvalConfig,
) -> anyhow::Result<NmfEval> {
    let d = ds.pixels();
    let k = cfg.nmf.n_components;
    let classes = ds.class_names.len();
    let ytr: Vec<u16> = train_idx.iter().map(|&i| ds.labels[i]).collect();
    let yte: Vec<u16> = test_idx.iter().map(|&i| ds.labels[i]).collect();
    let mut out = NmfEval {
        accuracy: Accuracy::default(),
        fit_seconds: 0.0,
        n_iter: 0,
        rel_error: 0.0,
        transform_seconds: None,
        recipe_accuracy: None,
    };
    // The training and test images, copied only for the inductive protocol.
    let (xtr, xte) = if cfg.inductive {
        (
            rows(&ds.images, d, train_idx),
            rows(&ds.images, d, test_idx),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    // The two fits (each `None` when its protocol is not run).
    let fit_all = || {
        let shared = cfg.sketches.as_ref().and_then(|s| s.all.as_ref());
        cfg.transductive
            .then(|| fit_nmf(&ds.images, ds.len(), d, cfg, shared))
            .transpose()
    };
    let fit_train = || {
        let shared = cfg.sketches.as_ref().map(|s| &s.train);
        cfg.inductive
            .then(|| fit_nmf(&xtr, train_idx.len(), d, cfg, shared))
            .transpose()
    };
    let (all_fit, train_fit) = if cfg.side_by_side {
        rayon::join(fit_all, fit_train)
    } else {
        (fit_all(), fit_train())
    };
    let (all_fit, train_fit) = (all_fit?, train_fit?);
    if let Some(fit) = all_fit {
        let ctr = rows(&fit.w, k, train_idx);
        let cte = rows(&fit.w, k, test_idx);
        let pred = knn_predict(&ctr, &ytr, &cte, k, cfg.knn_k, cfg.metric);
        out.accuracy.transductive = Some(accuracy(&pred, &yte));
        (out.fit_seconds, out.n_iter, out.rel_error) = (fit.fit_seconds, fit.n_iter, fit.rel_error);
    }
    if let Some(fit) = train_fit {
        let t = std::time::Instant::now();
        let ctr =
            nmf::transform::transform(&xtr, train_idx.len(), &fit.h, k, d, cfg.transform_rule)?.w;
        let cte =
            nmf::transform::transform(&xte, test_idx.len(), &fit.h, k, d, cfg.transform_rule)?.w;
        out.transform_seconds = Some(t.elapsed().as_secs_f64());
        let pred = knn_predict(&ctr, &ytr, &cte, k, cfg.knn_k, cfg.metric);
        out.accuracy.inductive = Some(accuracy(&pred, &yte));
        if let Some(r) = cfg.recipe {
            let encode = |h: &[f32], x: &[f32], n: usize| {
                nmf::transform::transform(x, n, h, k, d, cfg.transform_rule).map(|c| c.w)
            };
            // One basis' distances of the test codes to the classes, the map
            // and the decision fitted on the training codes and copies.
            let member = |h: &[f32], ctr: Vec<f32>, cte: &[f32]| -> anyhow::Result<Vec<f32>> {
                let (ctr, ytr) =
                    r.augment
                        .with_copies(ctr, &xtr, &ytr, (ds.height, ds.width), |x, n| {
                            encode(h, x, n)
                        })?;
                Ok(r.distances(&ctr, &ytr, cte, k, classes))
            };
            // Member 0 is the fit above; members 1.. are fits with the next seeds.
            let mut sum = member(&fit.h, ctr, &cte)?;
            for b in 1..r.ensemble {
                let p = NmfParams {
                    seed: cfg.nmf.seed + b as u64,
                    ..cfg.nmf.clone()
                };
                let h = nmf::fit(&xtr, train_idx.len(), d, &p)?.h;
                let (ctr, cte) = (
                    encode(&h, &xtr, train_idx.len())?,
                    encode(&h, &xte, test_idx.len())?,
                );
                for (s, v) in sum.iter_mut().zip(member(&h, ctr, &cte)?) {
                    *s += v;
                }
            }
            out.recipe_accuracy = Some(accuracy(&nearest(&sum, classes), &yte));
        }
        (out.fit_seconds, out.n_iter, out.rel_error) = (fit.fit_seconds, fit.n_iter, fit.rel_error);
    }
    Ok(out)
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
) -> PcaEval {
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
    let fisherfaces = fisher.run(&ztr, &ytr, &zte, &yte, kk, classes);
    let augment = cfg.recipe.map_or(Augment::NONE, |r| r.augment);
    let decision = cfg.recipe.map_or(Decision::ClassMean, |r| r.decision);
    let fisherfaces_augmented =
        (augment.copies() > 0 || decision != Decision::ClassMean).then(|| {
            let xtr = rows(&ds.images, d, train_idx);
            let Ok((za, ya)) =
                augment.with_copies(ztr.clone(), &xtr, &ytr, (ds.height, ds.width), |x, _| {
                    Ok::<_, std::convert::Infallible>(pca_w.transform(x))
                });
            // The recipe's decision too: the same tricks given to the baseline.
            let fisher = Recipe { decision, ..fisher };
            fisher.run(&za, &ya, &zte, &yte, kk, classes)
        });
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
    PcaEval {
        accuracy: acc,
        whiten_accuracy: wacc,
        fisherfaces,
        fisherfaces_augmented,
        fit_seconds: fits.fit_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::{knn, lda::Lda, parzen, Decision, Recipe};
    use crate::nmf::rng::Rng;

    /// `eval_pca` reads each count's scores off one projection at the
    /// largest count: the accuracies of projecting with the truncated fits.
    #[test]
    fn pca_scores_come_from_the_largest_count() {
        use super::{accuracy, eval_pca, knn_predict, rows, EvalConfig, Pca, PcaFits};
        let ds = crate::synthetic::generate(&crate::synthetic::Spec {
            people: 5,
            per_person: 8,
            seed: 2,
            ..Default::default()
        });
        let split = ds.train_test_split(0.25, 1, true).unwrap();
        let (tr, te) = (&split.train_indices, &split.test_indices);
        let d = ds.pixels();
        let ytr: Vec<u16> = tr.iter().map(|&i| ds.labels[i]).collect();
        let yte: Vec<u16> = te.iter().map(|&i| ds.labels[i]).collect();
        let fits = PcaFits::fit(&ds, tr, 12, true, 3);
        let knn = |a: &[f32], b: &[f32], k| {
            accuracy(&knn_predict(a, &ytr, b, k, 1, knn::Metric::SquaredL2), &yte)
        };
        let mut seen = std::collections::BTreeSet::new();
        for k in [2, 3, 7, 12] {
            let cfg = EvalConfig {
                nmf: crate::nmf::NmfParams {
                    n_components: k,
                    ..Default::default()
                },
                knn_k: 1,
                metric: knn::Metric::SquaredL2,
                transform_rule: facenmf_core::nnls::StopRule::new(10, 1e-4),
                recipe: None,
                inductive: true,
                transductive: true,
                sketches: None,
                side_by_side: false,
            };
            let got = eval_pca(&ds, tr, te, &cfg, &fits);
            let plain = |p: &Pca| Pca {
                scale: vec![1.0; p.k],
                ..p.clone()
            };
            let (xtr, xte) = (rows(&ds.images, d, tr), rows(&ds.images, d, te));
            let w = fits.train.truncated(k);
            let want_w = knn(&w.transform(&xtr), &w.transform(&xte), k);
            let p = plain(&w);
            let want_p = knn(&p.transform(&xtr), &p.transform(&xte), k);
            let a = fits.all.as_ref().unwrap().truncated(k);
            let z = a.transform(&ds.images);
            let want_wt = knn(&rows(&z, k, tr), &rows(&z, k, te), k);
            let z = plain(&a).transform(&ds.images);
            let want_pt = knn(&rows(&z, k, tr), &rows(&z, k, te), k);
            let (acc, wacc) = (got.accuracy, got.whiten_accuracy);
            assert_eq!(wacc.inductive, Some(want_w), "k = {k}");
            assert_eq!(acc.inductive, Some(want_p), "k = {k}");
            assert_eq!(wacc.transductive, Some(want_wt), "k = {k}");
            assert_eq!(acc.transductive, Some(want_pt), "k = {k}");
            seen.extend([want_w, want_p, want_wt, want_pt].map(f64::to_bits));
        }
        assert!(seen.len() > 2, "the accuracies should vary with k");
    }

    /// The decision is wired as documented: the same prepared codes and LDA
    /// map, then either the class-mean distances or the Parzen soft minimum
    /// over the mapped training rows.
    #[test]
    fn the_decision_acts_on_the_lda_points() {
        let mut rng = Rng::new(3);
        let (k, classes) = (6, 3);
        let code = |rng: &mut Rng, c: usize| -> Vec<f32> {
            (0..k)
                .map(|j| (rng.uniform() + if j % classes == c { 1.0 } else { 0.0 }) as f32)
                .collect()
        };
        let labels: Vec<u16> = (0..30).map(|i| (i % classes) as u16).collect();
        let train: Vec<f32> = labels
            .iter()
            .flat_map(|&l| code(&mut rng, l as usize))
            .collect();
        let test: Vec<f32> = (0..9).flat_map(|i| code(&mut rng, i % classes)).collect();
        let mean = Recipe {
            decision: Decision::ClassMean,
            ..Recipe::default()
        };
        let soft = Recipe {
            decision: Decision::Parzen { width: 0.2 },
            ..Recipe::default()
        };
        let (tr, te) = (mean.prepare(&train, k), mean.prepare(&test, k));
        let lda = Lda::fit(&tr, &labels, k, classes, mean.lda_reg);
        let (ztr, zte) = (lda.apply(&tr), lda.apply(&te));
        assert_eq!(
            mean.distances(&train, &labels, &test, k, classes),
            knn::distances(&zte, &lda.templates, lda.m, mean.metric)
        );
        let got = soft.distances(&train, &labels, &test, k, classes);
        assert_eq!(
            got,
            parzen::soft_min_distances(&zte, &ztr, &labels, lda.m, classes, 0.2)
        );
        assert_ne!(got, mean.distances(&train, &labels, &test, k, classes));
    }

    /// `prepare` against the plain expression: `max(0, c)^p` per code, then
    /// each row scaled to unit length; the square root is exactly `sqrt`.
    #[test]
    fn prepare_raises_the_codes_to_the_power_then_normalises() {
        let codes = [0.0f32, 0.25, 4.0, 1.0, 0.09, 0.0, 2.0, 0.5];
        for p in [0.5f32, 0.7, 1.0] {
            let r = Recipe {
                power: p,
                ..Recipe::default()
            };
            let got = r.prepare(&codes, 4);
            for (row, grow) in codes.chunks(4).zip(got.chunks(4)) {
                let raised: Vec<f64> = row
                    .iter()
                    .map(|&c| (c.max(0.0) as f64).powf(p as f64))
                    .collect();
                let norm = raised.iter().map(|v| v * v).sum::<f64>().sqrt();
                for (want, &g) in raised.iter().zip(grow) {
                    assert!(
                        (want / norm - g as f64).abs() < 1e-6,
                        "p = {p}: {g} vs {}",
                        want / norm
                    );
                }
            }
        }
        let sq = Recipe {
            power: 0.5,
            ..Recipe::default()
        }
        .prepare(&codes, 4);
        let by_hand = Recipe {
            power: 1.0,
            ..Recipe::default()
        }
        .prepare(&codes.map(f32::sqrt), 4);
        assert_eq!(sq, by_hand, "power 0.5 must be the square root bit for bit");
    }
}
