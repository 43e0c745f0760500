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
//!
//! This module runs NMF under both protocols ([`eval_nmf`]); the recipe is
//! in [`recipe`], the PCA baselines in [`pca_baseline`], the sweep's rows
//! and charts in [`sweep`], basis and reconstruction figures in
//! [`components`]. The learning pieces are in [`crate::learn`].

pub mod components;
pub mod pca_baseline;
pub mod recipe;
pub mod sweep;

pub use pca_baseline::{eval_pca, PcaEval, PcaFits};
pub use recipe::{nearest, Decision, Recipe};

use crate::data::Dataset;
use crate::learn::knn::{accuracy, knn_predict, Metric};
use crate::nmf::sketch::RankedSketch;
use crate::nmf::{self, NmfError, NmfFit, NmfParams};
use facenmf_core::nnls::StopRule;

/// Rows of `images` at `idx`.
pub fn rows(images: &[f32], d: usize, idx: &[usize]) -> Vec<f32> {
    idx.iter()
        .flat_map(|&i| images[i * d..(i + 1) * d].iter().copied())
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
                Ok(r.distances(&ctr, &ytr, cte, k, classes)?)
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

#[cfg(test)]
mod tests {
    use super::{Decision, Recipe};
    use crate::learn::{knn, lda::Lda, parzen};
    use crate::nmf::rng::Rng;

    /// `eval_pca` reads each count's scores off one projection at the
    /// largest count: the accuracies of projecting with the truncated fits.
    #[test]
    fn pca_scores_come_from_the_largest_count() {
        use super::{accuracy, eval_pca, knn_predict, rows, EvalConfig, PcaFits};
        use crate::learn::pca::Pca;
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
            let got = eval_pca(&ds, tr, te, &cfg, &fits).unwrap();
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
        let lda = Lda::fit(&tr, &labels, k, classes, mean.lda_reg).unwrap();
        let (ztr, zte) = (lda.apply(&tr), lda.apply(&te));
        assert_eq!(
            mean.distances(&train, &labels, &test, k, classes).unwrap(),
            knn::distances(&zte, &lda.templates, lda.m, mean.metric)
        );
        let got = soft.distances(&train, &labels, &test, k, classes).unwrap();
        assert_eq!(
            got,
            parzen::soft_min_distances(&zte, &ztr, &labels, lda.m, classes, 0.2)
        );
        assert_ne!(
            got,
            mean.distances(&train, &labels, &test, k, classes).unwrap()
        );
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
