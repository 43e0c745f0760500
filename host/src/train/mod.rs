//! The recipe that makes a device model: dataset → device thumbnails (the
//! chip's own thumbnail code) → seeded split → features of the thumbnails
//! (the chip's feature stage; raw pixels or LBP) → NMF basis fitted on the
//! training features → codes by the chip's NNLS → square root and L2
//! normalisation → LDA fitted on the training codes → gallery templates
//! (class means, or every training face) → [`Model`]. With `--quant i8` the
//! basis is quantised before the codes and the map before the templates, so
//! both are learned through what the chip stores.
//!
//! The model is scored on its test thumbnails by [`crate::chip::Chip`],
//! the chip's encoder, projection and vote.

pub mod fisher;
pub mod gallery;
pub mod grid;
pub mod hash;
pub mod located;

pub use gallery::{class_means, prototypes, GalleryKind, PROTOTYPES};
pub use hash::dataset_hash;

use std::collections::BTreeMap;

use anyhow::{anyhow, ensure, Context, Result};
use facenmf_core::thumbnail::Crop;
use facenmf_core::StopRule;
use serde::Serialize;

use crate::chip::{features_all, Chip};
use crate::data::Dataset;
use crate::features::FeatureChoice;
use crate::learn::augment::Augment;
use crate::learn::lda::Lda;
use crate::model::{
    gram_of, Geometry, Map, Method, MetricName, Model, SplitInfo, Template, FORMAT_VERSION,
};
use crate::nmf::{self, NmfParams};
use crate::quant::{quantise, Quant, Quantised};

/// Everything that defines a device model besides the data.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Thumbnail height and width.
    pub thumb: (usize, usize),
    /// What the NMF is fitted on: the thumbnail or features of it.
    pub features: FeatureChoice,
    /// Crop of the dataset images `[x, y, width, height]`; `None` = whole image.
    pub crop: Option<[usize; 4]>,
    /// NMF options (`n_components` is K).
    pub nmf: NmfParams,
    /// The chip's encoder rule (also used for the training codes).
    pub rule: StopRule,
    /// Element-wise square root of codes.
    pub sqrt: bool,
    /// L2 normalisation of codes.
    pub normalize: bool,
    /// Learn an LDA map (else compare codes directly).
    pub lda: bool,
    /// Templates to export.
    pub gallery: GalleryKind,
    /// Metric of the vote.
    pub metric: MetricName,
    /// Neighbours voting.
    pub neighbours: usize,
    /// Share of images held out for testing.
    pub test_size: f64,
    /// Seed of the split (and of the NMF init, via `nmf.seed`).
    pub seed: u32,
    /// Split each person separately.
    pub stratify: bool,
    /// Mirrored / shifted copies of the training thumbnails given to the map
    /// and the class means (not to the NMF fit).
    pub augment: Augment,
    /// Most directions the LDA map keeps (`None`: one fewer than the known
    /// people, at most K; people who only teach the map, [`Extra::identities`],
    /// add no direction, so they leave the model's flash as it is).
    pub map_dims: Option<usize>,
    /// How features become a code: NMF (`nmf.n_components` components) or
    /// Fisherfaces (whitened PCA of `nmf.n_components` rows as a linear
    /// stage; `sqrt` should be off).
    pub method: Method,
    /// How the chip stores the basis and the map: f32, or i8 rows with a
    /// scale a row (the codes, the map and the templates are then learned
    /// through the quantised basis, and the templates through the quantised
    /// map).
    pub quant: Quant,
}

/// The default device recipe, chosen by measurement within the chip's
/// budget (docs/device-recipe.md): uniform LBP histograms over 6 x 5 cells
/// of a 64 x 48 thumbnail (D = 1770), K = 192 NMF components, the basis and
/// the LDA map as i8 rows with a scale a row (about 503 KB of flash).
impl Default for Spec {
    fn default() -> Self {
        Self {
            thumb: (64, 48),
            features: FeatureChoice::lbp(6, 5),
            crop: None,
            nmf: NmfParams {
                n_components: 192,
                solver: nmf::Solver::Hals,
                max_iter: 400,
                tol: 1e-4,
                // HALS without extrapolation (Gillis & Glineur alone): bases
                // whose codes the chip's 200-sweep encoder settles within
                // `check`'s limit (see docs/recipe.md).
                extrapolate: false,
                ..Default::default()
            },
            rule: StopRule::new(200, 1e-5),
            sqrt: true,
            normalize: true,
            lda: true,
            gallery: GalleryKind::ClassMeans,
            metric: MetricName::Cosine,
            neighbours: 1,
            test_size: 0.2,
            seed: 8,
            stratify: true,
            // Mirror and 1-pixel shifts (see docs/recipe.md).
            augment: Augment {
                flip: true,
                shift: 1,
                ..Augment::NONE
            },
            map_dims: None,
            method: Method::Nmf,
            quant: Quant::I8,
        }
    }
}

impl Spec {
    /// The raw-pixel recipe: the 32 x 24 thumbnail itself, K = 96, f32 (the
    /// baseline the device recipe is compared with, and the small model of
    /// the tests and the demo).
    pub fn raw() -> Self {
        let mut spec = Self {
            thumb: (32, 24),
            features: FeatureChoice::Raw,
            quant: Quant::F32,
            ..Self::default()
        };
        spec.nmf.n_components = 96;
        spec
    }
}

/// What training measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Training and test images.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// Accuracy on the test split through the chip's pipeline.
    pub accuracy: f64,
    /// Seconds to fit NMF.
    pub fit_seconds: f64,
    /// NMF iterations.
    pub n_iter: usize,
    /// ‖X − WH‖ / ‖X‖ on the training features.
    pub rel_error: f64,
    /// Components kept (fitted components that are all zero are dropped).
    pub k: usize,
}

/// The thumbnails of `ds` as the chip makes them, split as `spec` says.
pub fn split(ds: &Dataset, spec: &Spec) -> Result<(Dataset, Dataset)> {
    let crop = spec.crop.unwrap_or([0, 0, ds.width, ds.height]);
    let split = SplitInfo {
        test_size: spec.test_size,
        seed: spec.seed,
        stratify: spec.stratify,
    };
    split_thumbnails(ds, crop, spec.thumb, split)
}

/// Thumbnails of `ds` (crop `[x, y, width, height]`, size `(h, w)`), split.
pub fn split_thumbnails(
    ds: &Dataset,
    crop: [usize; 4],
    thumb: (usize, usize),
    split: SplitInfo,
) -> Result<(Dataset, Dataset)> {
    let [x, y, width, height] = crop;
    let thumbs = ds.thumbnails(
        Crop {
            x,
            y,
            width,
            height,
        },
        thumb.0,
        thumb.1,
    )?;
    let s = thumbs.train_test_split(split.test_size, split.seed, split.stratify)?;
    Ok((s.train, s.test))
}

/// The test thumbnails of the split `model` was scored on.
pub fn test_split(model: &Model, ds: &Dataset) -> Result<Dataset> {
    let split = recorded_split(model, ds)?;
    let g = &model.geometry;
    Ok(split_thumbnails(ds, g.crop, (g.height, g.width), split)?.1)
}

/// The frames (`ds`'s images, uncropped) of the test split `model` was
/// scored on: the images of [`test_split`]'s thumbnails, in its order.
pub fn test_frames(model: &Model, ds: &Dataset) -> Result<Dataset> {
    let split = recorded_split(model, ds)?;
    Ok(ds
        .train_test_split(split.test_size, split.seed, split.stratify)?
        .test)
}

/// The split `model` records, once `ds`'s frames are checked against its
/// frame size.
fn recorded_split(model: &Model, ds: &Dataset) -> Result<SplitInfo> {
    let split = model
        .split
        .ok_or_else(|| anyhow!("the model records no split; retrain it with `facenmf train`"))?;
    let g = &model.geometry;
    ensure!(
        (ds.width, ds.height) == (g.frame_width, g.frame_height),
        "the dataset's images are {}x{} but the model was trained on {}x{} frames",
        ds.height,
        ds.width,
        g.frame_height,
        g.frame_width
    );
    Ok(split)
}

/// A fitted NMF basis with its zero components dropped, or the rows and
/// bias of a linear stage (Fisherfaces).
#[derive(Debug, Clone)]
pub struct FittedBasis {
    /// `k × d`, row-major.
    pub h: Vec<f32>,
    /// Fisherfaces: the training features' mean μ (`d` values; the linear
    /// stage's bias is `−W μ` of the rows the chip stores); empty for NMF.
    pub mean: Vec<f32>,
    /// Components kept.
    pub k: usize,
    /// NMF iterations.
    pub n_iter: usize,
    /// ‖X − WH‖ / ‖X‖ on the training features.
    pub rel_error: f64,
    /// Seconds of the fit.
    pub fit_seconds: f64,
}

/// Training thumbnails besides the split's own (e.g. faces cut at located
/// boxes, [`located`]): given to the map and the class means with the
/// same augmentation, and to the NMF fit when `in_basis`.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// More thumbnails of the known people (the model's thumbnail size,
    /// their labels).
    pub thumbs: Option<Dataset>,
    /// Also fit the NMF basis on `thumbs`.
    pub in_basis: bool,
    /// More people for the LDA map only (frames of the dataset's size, their
    /// own labels): fitted beside the known people as people of their own,
    /// so the map learns what tells faces apart from more than the known
    /// people; the templates stay the known people's.
    pub identities: Option<Dataset>,
}

/// Fits the NMF basis of `spec` (or, for Fisherfaces, its whitened PCA) on
/// the features of the training thumbnails (the chip's feature stage).
pub fn fit_basis(train: &Dataset, spec: &Spec) -> Result<FittedBasis> {
    if spec.method == Method::Fisherfaces {
        return fisher::fit_whitening(train, spec);
    }
    let extractor = spec.features.extractor(train.width, train.height)?;
    let d = extractor.output_len();
    let fit = if extractor.is_identity() {
        nmf::fit(&train.images, train.len(), d, &spec.nmf)
    } else {
        let x = features_all(&extractor, &train.images)?;
        nmf::fit(&x, train.len(), d, &spec.nmf)
    }
    .context("fitting NMF")?;
    // Components the solver zeroed carry no information and the chip's
    // encoder needs a positive Gram diagonal: drop them.
    let alive: Vec<usize> = (0..spec.nmf.n_components)
        .filter(|&i| fit.h[i * d..(i + 1) * d].iter().any(|&v| v > 0.0))
        .collect();
    ensure!(!alive.is_empty(), "NMF produced no non-zero component");
    Ok(FittedBasis {
        h: alive
            .iter()
            .flat_map(|&i| unit_row(&fit.h[i * d..(i + 1) * d]))
            .collect(),
        mean: Vec::new(),
        k: alive.len(),
        n_iter: fit.n_iter,
        rel_error: fit.rel_error,
        fit_seconds: fit.fit_seconds,
    })
}

/// `row` scaled to unit length (norm in f64). NMF fixes each component only
/// up to a scale (W h = (W/c)(c h)), and solvers leave the row norms
/// anywhere: 0.36 to 4.4e6 on Olivetti's LBP features, a Gram matrix whose
/// f32 coordinate descent stops far from the optimum. Unit rows give the
/// chip's encoder a Gram diagonal of 1, and codes that weigh every
/// component alike in the L2 normalisation after them.
fn unit_row(row: &[f32]) -> Vec<f32> {
    let norm = row
        .iter()
        .map(|&v| f64::from(v).powi(2))
        .sum::<f64>()
        .sqrt();
    row.iter().map(|&v| (f64::from(v) / norm) as f32).collect()
}

/// The model of `spec` over a fitted basis: the chip's codes of the training
/// thumbnails, the LDA map and the templates. `ds` gives the frame geometry
/// and class names.
pub fn assemble(ds: &Dataset, train: &Dataset, basis: &FittedBasis, spec: &Spec) -> Result<Model> {
    assemble_with(ds, train, basis, spec, None)
}

/// [`assemble`] with `extra` training thumbnails after the split's own.
pub fn assemble_with(
    ds: &Dataset,
    train: &Dataset,
    basis: &FittedBasis,
    spec: &Spec,
    extra: Option<&Extra>,
) -> Result<Model> {
    let k = basis.k;
    let d = spec
        .features
        .extractor(spec.thumb.1, spec.thumb.0)?
        .output_len();
    ensure!(
        basis.h.len() == k * d,
        "the basis holds {} values, not K x D = {k} x {d} ({} features)",
        basis.h.len(),
        spec.features
    );
    // The basis the chip stores: the fitted one, or what its i8 rows stand for.
    let (h, quant) = match spec.quant {
        Quant::F32 => (basis.h.clone(), None),
        Quant::I8 => {
            let q = quantise(&basis.h, k, d).context("quantising the basis")?;
            (
                q.dequantised(),
                Some(Quantised {
                    basis: q,
                    map: None,
                }),
            )
        }
    };
    let encoder_bias = match spec.method {
        Method::Nmf => Vec::new(),
        Method::Fisherfaces => fisher::bias(&h, &basis.mean, k, d),
    };
    let mut model = Model {
        format_version: FORMAT_VERSION,
        geometry: Geometry {
            frame_width: ds.width,
            frame_height: ds.height,
            crop: spec.crop.unwrap_or([0, 0, ds.width, ds.height]),
            width: spec.thumb.1,
            height: spec.thumb.0,
        },
        features: spec.features,
        method: spec.method,
        k,
        gram: match spec.method {
            Method::Nmf => gram_of(&h, k, d),
            Method::Fisherfaces => Vec::new(),
        },
        basis: h,
        encoder_bias,
        max_sweeps: spec.rule.max_sweeps,
        tol: spec.rule.tol,
        sqrt: spec.sqrt,
        normalize: spec.normalize,
        map: None,
        quant,
        templates: vec![],
        class_names: ds.class_names.clone(),
        metric: spec.metric,
        neighbours: spec.neighbours,
        threshold: None,
        decision: None,
        split: Some(SplitInfo {
            test_size: spec.test_size,
            seed: spec.seed,
            stratify: spec.stratify,
        }),
        provenance: BTreeMap::new(),
    };
    // Training codes by the chip's own encoder and projection (no map yet),
    // with those of the augmented copies after them.
    let (codes, labels) = {
        let chip = Chip::new(&model)?;
        let with_copies = |set: &Dataset| {
            spec.augment.with_copies(
                chip.prepared_codes(&set.images)?,
                &set.images,
                &set.labels,
                (set.height, set.width),
                |images, _| chip.prepared_codes(images),
            )
        };
        let (mut codes, mut labels) = with_copies(train)?;
        if let Some(thumbs) = extra.and_then(|e| e.thumbs.as_ref()) {
            same_size(thumbs, train)?;
            let (c, l) = with_copies(thumbs)?;
            codes.extend(c);
            labels.extend(l);
        }
        (codes, labels)
    };
    let classes = ds.class_names.len();
    let (vectors, m) = if spec.lda {
        let (map_codes, map_labels, map_classes) = match extra.and_then(|e| e.identities.as_ref()) {
            None => (codes.clone(), labels.clone(), classes),
            Some(people) => identity_codes(
                &Chip::new(&model)?,
                people,
                spec,
                (&codes, &labels),
                classes,
            )?,
        };
        let mut lda = Lda::fit_dims(
            &map_codes,
            &map_labels,
            k,
            map_classes,
            1e-6,
            spec.map_dims.unwrap_or(classes.saturating_sub(1)),
        )?;
        if let Some(q) = &mut model.quant {
            // The templates are the class means through the map the chip stores.
            let map = quantise(&lda.map, lda.m, k).context("quantising the map")?;
            lda.map = map.dequantised();
            q.map = Some(map);
        }
        let mapped = lda.apply(&codes);
        model.map = Some(Map {
            m: lda.m,
            p: lda.map,
            bias: lda.bias,
        });
        (mapped, lda.m)
    } else {
        (codes, k)
    };
    // Class means take the copies too; single-face templates only the originals.
    let originals = &vectors[..train.len() * m];
    model.templates = match spec.gallery {
        GalleryKind::ClassMeans => class_means(&vectors, &labels, m, classes),
        GalleryKind::AllFaces => originals
            .chunks(m)
            .zip(&train.labels)
            .map(|(v, &label)| Template {
                label,
                vector: v.to_vec(),
            })
            .collect(),
        GalleryKind::Prototypes => prototypes(originals, &train.labels, m, classes, PROTOTYPES),
    };
    model.validate().context("the trained model is invalid")?;
    Ok(model)
}

/// Extra training thumbnails must be the model's thumbnail size.
fn same_size(thumbs: &Dataset, train: &Dataset) -> Result<()> {
    ensure!(
        (thumbs.height, thumbs.width) == (train.height, train.width),
        "extra training thumbnails are {}x{}, the model's {}x{}",
        thumbs.height,
        thumbs.width,
        train.height,
        train.width
    );
    Ok(())
}

/// The known people's codes (`known`, labels `0..classes`) followed by
/// those of `extra`'s people, relabelled `classes..`, with their copies; and
/// the number of people in all.
fn identity_codes(
    chip: &Chip,
    extra: &Dataset,
    spec: &Spec,
    known: (&[f32], &[u16]),
    classes: usize,
) -> Result<(Vec<f32>, Vec<u16>, usize)> {
    ensure!(
        (extra.height, extra.width)
            == (
                chip.model().geometry.frame_height,
                chip.model().geometry.frame_width
            ),
        "the map's extra people are {}x{} images, the model's frames {}x{}",
        extra.height,
        extra.width,
        chip.model().geometry.frame_height,
        chip.model().geometry.frame_width
    );
    let total = classes + extra.class_names.len();
    ensure!(
        total <= usize::from(u16::MAX),
        "{total} people in all: labels are u16"
    );
    let [x, y, width, height] = chip.model().geometry.crop;
    let thumbs = extra.thumbnails(
        Crop {
            x,
            y,
            width,
            height,
        },
        spec.thumb.0,
        spec.thumb.1,
    )?;
    let relabelled: Vec<u16> = thumbs.labels.iter().map(|&l| l + classes as u16).collect();
    let (extra_codes, extra_labels) = spec.augment.with_copies(
        chip.prepared_codes(&thumbs.images)?,
        &thumbs.images,
        &relabelled,
        (thumbs.height, thumbs.width),
        |images, _| chip.prepared_codes(images),
    )?;
    let mut codes = known.0.to_vec();
    codes.extend_from_slice(&extra_codes);
    let mut labels = known.1.to_vec();
    labels.extend_from_slice(&extra_labels);
    Ok((codes, labels, total))
}

/// Trains a model on `ds` and scores it on its test split.
pub fn train(
    ds: &Dataset,
    spec: &Spec,
    provenance: BTreeMap<String, String>,
) -> Result<(Model, Report)> {
    train_with(ds, spec, provenance, None)
}

/// [`train`] with `extra` training thumbnails (the test split untouched).
pub fn train_with(
    ds: &Dataset,
    spec: &Spec,
    mut provenance: BTreeMap<String, String>,
    extra: Option<&Extra>,
) -> Result<(Model, Report)> {
    let (train, test) = split(ds, spec)?;
    let fit = match extra {
        Some(Extra {
            thumbs: Some(thumbs),
            in_basis: true,
            ..
        }) => {
            let mut both = train.clone();
            same_size(thumbs, &train)?;
            both.images.extend_from_slice(&thumbs.images);
            both.labels.extend_from_slice(&thumbs.labels);
            fit_basis(&both, spec)?
        }
        _ => fit_basis(&train, spec)?,
    };
    let k = fit.k;
    let mut model = assemble_with(ds, &train, &fit, spec, extra)?;
    if let Some(people) = extra.and_then(|e| e.identities.as_ref()) {
        provenance.insert(
            "map_identities".to_string(),
            format!(
                "{} more people ({} images) beside the known ones fit the LDA map",
                people.class_names.len(),
                people.len()
            ),
        );
    }
    let fitted = match spec.method {
        Method::Nmf => (
            "nmf".to_string(),
            format!(
                "{:?} K {} (kept {k}) max_iter {} tol {} init {:?} seed {}; {} iterations, rel. error {:.4}",
                spec.nmf.solver,
                spec.nmf.n_components,
                spec.nmf.max_iter,
                spec.nmf.tol,
                spec.nmf.init,
                spec.nmf.seed,
                fit.n_iter,
                fit.rel_error
            ),
        ),
        Method::Fisherfaces => (
            "fisherfaces".to_string(),
            format!(
                "whitened PCA, P {} (kept {k}), seed {}",
                spec.nmf.n_components, spec.nmf.seed
            ),
        ),
    };
    provenance.extend([
        fitted,
        ("dataset_sha256".to_string(), dataset_hash(ds)),
        ("split".to_string(), format!("test_size {} seed {} stratify {}", spec.test_size, spec.seed, spec.stratify)),
        (
            "recipe".to_string(),
            format!(
                "thumb {}x{}, sqrt {}, l2 {}, lda {} (dims {:?}), gallery {:?}, metric {:?}, k {}, augment {:?}",
                spec.thumb.0, spec.thumb.1, spec.sqrt, spec.normalize, spec.lda, spec.map_dims, spec.gallery, spec.metric, spec.neighbours, spec.augment
            ),
        ),
    ]);
    if !spec.features.is_raw() {
        provenance.insert("features".to_string(), spec.features.to_string());
    }
    model.provenance = provenance;
    let accuracy = Chip::new(&model)?.accuracy(&test)?;
    model.provenance.insert(
        "accuracy".to_string(),
        format!(
            "{:.4} on {} test images (inductive, chip pipeline)",
            accuracy,
            test.len()
        ),
    );
    let report = Report {
        n_train: train.len(),
        n_test: test.len(),
        accuracy,
        fit_seconds: fit.fit_seconds,
        n_iter: fit.n_iter,
        rel_error: fit.rel_error,
        k,
    };
    Ok((model, report))
}
