//! The trained model: one value that drives host evaluation, export to the
//! chip and `check`. Saved as JSON (`facenmf eval --model`, `check`) and
//! exported as Rust `const` data for the firmware (see [`crate::export`]).
//!
//! [`Model::validate`] runs the kernel's own checked constructors, so a model
//! that validates here is one the chip accepts.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use facenmf_core::gallery::{self, Metric};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_core::{
    Coder, Encoder, FeatureExtractor, LinearEncoder, LinearMap, Projection, Rows, StopRule, Storage,
};
use serde::{Deserialize, Serialize};

use crate::decision::DecisionRule;
use crate::features::FeatureChoice;
use crate::quant::{Quant, Quantised};

/// Version of the JSON layout.
pub const FORMAT_VERSION: u32 = 1;

/// The comparison metric, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum MetricName {
    /// Squared Euclidean distance.
    SquaredL2,
    /// One minus the cosine similarity.
    Cosine,
}

impl From<MetricName> for Metric {
    fn from(m: MetricName) -> Self {
        match m {
            MetricName::SquaredL2 => Metric::SquaredL2,
            MetricName::Cosine => Metric::Cosine,
        }
    }
}

/// How features become a code (`facenmf train --method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// NMF codes against a non-negative basis (the chip's NNLS encoder).
    #[default]
    Nmf,
    /// Fisherfaces: whitened PCA as a linear stage `code = W (x − μ)`, then
    /// L2 and the LDA map (no encoder iterations).
    Fisherfaces,
}

impl Method {
    /// Whether this is the NMF default (absent from the JSON).
    pub fn is_nmf(&self) -> bool {
        matches!(self, Self::Nmf)
    }
}

/// Where the thumbnail comes from: the training frames' size and crop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geometry {
    /// Width of the frames the model was trained on.
    pub frame_width: usize,
    /// Height of those frames.
    pub frame_height: usize,
    /// Crop rectangle `[x, y, width, height]` of those frames.
    pub crop: [usize; 4],
    /// Thumbnail width.
    pub width: usize,
    /// Thumbnail height.
    pub height: usize,
}

impl Geometry {
    /// Pixels per thumbnail.
    pub fn d(&self) -> usize {
        self.width * self.height
    }

    /// The crop as the kernel's type.
    pub fn crop(&self) -> Crop {
        let [x, y, width, height] = self.crop;
        Crop {
            x,
            y,
            width,
            height,
        }
    }

    /// The kernel's thumbnailer for 8-bit gray frames of this geometry.
    pub fn thumbnailer(&self) -> Result<Thumbnailer> {
        Thumbnailer::new_checked(
            self.frame_width,
            self.frame_height,
            PixelFormat::Gray8,
            self.crop(),
            self.width,
            self.height,
        )
        .map_err(|e| anyhow::anyhow!("model geometry: {e}"))
    }
}

/// The affine map after encoding: `y = P z + c`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Map {
    /// Rows M.
    pub m: usize,
    /// `P`, row-major M x K.
    pub p: Vec<f32>,
    /// `c`, M values.
    pub bias: Vec<f32>,
}

/// A template: a person's label and a vector of the comparison space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Index into [`Model::class_names`].
    pub label: u16,
    /// M values.
    pub vector: Vec<f32>,
}

/// Everything the chip needs, plus where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Frame and thumbnail geometry.
    pub geometry: Geometry,
    /// What the basis is fitted on: the thumbnail itself or features of it
    /// (absent from the JSON of raw models, which load as raw).
    #[serde(default, skip_serializing_if = "FeatureChoice::is_raw")]
    pub features: FeatureChoice,
    /// How features become a code (absent from the JSON of NMF models).
    #[serde(default, skip_serializing_if = "Method::is_nmf")]
    pub method: Method,
    /// Components K (the code's length; P rows for Fisherfaces).
    pub k: usize,
    /// The NMF basis `H` (Fisherfaces: the rows `W` of the linear stage),
    /// row-major K x D; for a quantised model the values
    /// its i8 rows stand for (`scale · q`, exact; see [`crate::quant`]).
    pub basis: Vec<f32>,
    /// `G = H Hᵀ` (of the dequantised basis for a quantised model),
    /// computed in f64 and rounded, row-major K x K; empty for Fisherfaces.
    pub gram: Vec<f32>,
    /// Fisherfaces: the bias `c = −W μ` of the linear stage (K values);
    /// empty (and absent from the JSON) for NMF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoder_bias: Vec<f32>,
    /// Encoder sweep cap.
    pub max_sweeps: u16,
    /// Encoder relative tolerance.
    pub tol: f32,
    /// Element-wise square root of the code.
    pub sqrt: bool,
    /// L2 normalisation of the code (after the root).
    pub normalize: bool,
    /// Optional affine map (e.g. LDA); for a quantised map, `p` holds the
    /// values its i8 rows stand for.
    pub map: Option<Map>,
    /// The basis (and map) as i8 rows with a scale a row, as the chip
    /// stores them; absent from the JSON of f32 models, which load as f32.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quant: Option<Quantised>,
    /// Gallery templates.
    pub templates: Vec<Template>,
    /// Person names, by label.
    pub class_names: Vec<String>,
    /// Comparison metric.
    pub metric: MetricName,
    /// Neighbours voting.
    pub neighbours: usize,
    /// "Unknown" above this score (the winner's distance unless
    /// `decision` says otherwise); `None` never answers unknown.
    pub threshold: Option<f32>,
    /// What the threshold is compared with, and its cohort (absent from
    /// the JSON of models that compare the winner's distance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRule>,
    /// How the training data was split (so `check` can find the test images).
    #[serde(default)]
    pub split: Option<SplitInfo>,
    /// Dataset and its hash, split, seed, solver and parameters, accuracy.
    pub provenance: BTreeMap<String, String>,
}

/// The seeded split a model was trained and scored on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SplitInfo {
    /// Share of images held out.
    pub test_size: f64,
    /// Seed of the split.
    pub seed: u32,
    /// Each person split separately.
    pub stratify: bool,
}

/// `G = H Hᵀ` of a K x D basis, summed in f64 and rounded to f32.
pub fn gram_of(basis: &[f32], k: usize, d: usize) -> Vec<f32> {
    let mut g = vec![0.0f32; k * k];
    for i in 0..k {
        for j in 0..=i {
            let s: f64 = basis[i * d..(i + 1) * d]
                .iter()
                .zip(&basis[j * d..(j + 1) * d])
                .map(|(a, b)| f64::from(*a) * f64::from(*b))
                .sum();
            g[i * k + j] = s as f32;
            g[j * k + i] = s as f32;
        }
    }
    g
}

impl Model {
    /// Length D of the feature vector the basis is fitted on (the
    /// thumbnail's pixels for raw features); 0 when the features do not fit
    /// the thumbnail ([`Model::validate`] refuses that).
    pub fn d(&self) -> usize {
        self.feature_extractor().map_or(0, |f| f.output_len())
    }

    /// The kernel's feature stage of this model's thumbnail.
    pub fn feature_extractor(&self) -> Result<FeatureExtractor> {
        self.features
            .extractor(self.geometry.width, self.geometry.height)
            .context("model features")
    }

    /// Length M of the comparison space (K without a map).
    pub fn m(&self) -> usize {
        self.map.as_ref().map_or(self.k, |m| m.m)
    }

    /// The encoder's stopping rule.
    pub fn rule(&self) -> StopRule {
        StopRule::new(self.max_sweeps, self.tol)
    }

    /// How the chip stores the basis.
    pub fn quant_kind(&self) -> Quant {
        if self.quant.is_some() {
            Quant::I8
        } else {
            Quant::F32
        }
    }

    /// The kernel's code stage of this model: the NMF encoder over its
    /// basis, or the linear stage of Fisherfaces (over the i8 rows for a
    /// quantised model).
    pub fn coder(&self) -> Result<Coder<'_>> {
        let storage = match &self.quant {
            None => Storage::F32(&self.basis),
            Some(q) => q.basis.storage(),
        };
        let coder = match self.method {
            Method::Nmf => Rows::new_checked("basis", storage, self.k, self.d(), true)
                .and_then(|rows| Encoder::from_rows(rows, &self.gram, self.rule()))
                .map(Coder::from),
            Method::Fisherfaces => {
                Rows::new_checked("encoder rows", storage, self.k, self.d(), false)
                    .and_then(|rows| LinearEncoder::new_checked(rows, &self.encoder_bias))
                    .map(Coder::from)
            }
        };
        coder.map_err(|e| anyhow::anyhow!("model encoder: {e}"))
    }

    /// The kernel's projection of this model (its map's i8 rows when the
    /// map is quantised).
    pub fn projection(&self) -> Result<Projection<'_>> {
        let quant_map = self.quant.as_ref().and_then(|q| q.map.as_ref());
        let map = match (&self.map, quant_map) {
            (None, None) => None,
            (Some(m), None) => Some(
                LinearMap::new_checked(&m.p, Some(&m.bias), m.m, self.k)
                    .map_err(|e| anyhow::anyhow!("model map: {e}"))?,
            ),
            (Some(m), Some(q)) => Some(
                Rows::new_checked("linear map", q.storage(), m.m, self.k, false)
                    .and_then(|rows| LinearMap::from_rows(rows, Some(&m.bias)))
                    .map_err(|e| anyhow::anyhow!("model map: {e}"))?,
            ),
            (None, Some(_)) => anyhow::bail!("model has a quantised map but no map"),
        };
        Projection::new_checked(self.k, self.sqrt, self.normalize, map)
            .map_err(|e| anyhow::anyhow!("model projection: {e}"))
    }

    /// Checks every size and value as the chip will: geometry, features
    /// (they fit the thumbnail), basis (K x D with D the feature length,
    /// finite, non-negative; a quantised basis and map equal to what their
    /// i8 rows stand for), Gram matrix (consistent with the basis), map, templates
    /// (length M, finite, labels in range), k, threshold.
    pub fn validate(&self) -> Result<()> {
        ensure!(
            self.format_version == FORMAT_VERSION,
            "model format version {} is not {FORMAT_VERSION}",
            self.format_version
        );
        self.geometry.thumbnailer()?;
        self.feature_extractor()?;
        ensure!(
            self.basis.len() == self.k * self.d(),
            "basis holds {} values, expected K x D = {} x {} ({} features)",
            self.basis.len(),
            self.k,
            self.d(),
            self.features
        );
        if let Some(q) = &self.quant {
            q.basis
                .check_against("basis", &self.basis, self.k, self.d())?;
            if let (Some(qm), Some(m)) = (&q.map, &self.map) {
                qm.check_against("map", &m.p, m.m, self.k)?;
            }
        }
        match self.method {
            Method::Nmf => ensure!(
                self.encoder_bias.is_empty(),
                "an NMF model has no encoder bias"
            ),
            Method::Fisherfaces => ensure!(
                self.gram.is_empty(),
                "a Fisherfaces model has no Gram matrix"
            ),
        }
        self.coder()?;
        self.projection()?;
        ensure!(!self.templates.is_empty(), "model has no gallery template");
        ensure!(!self.class_names.is_empty(), "model has no class name");
        ensure!(
            self.class_names.len() <= usize::from(u16::MAX),
            "too many classes"
        );
        for (i, t) in self.templates.iter().enumerate() {
            ensure!(
                t.vector.len() == self.m(),
                "template {i} holds {} values, expected M = {}",
                t.vector.len(),
                self.m()
            );
            if let Some(j) = t.vector.iter().position(|v| !v.is_finite()) {
                bail!("template {i} is NaN or infinite at {j}");
            }
            ensure!(
                usize::from(t.label) < self.class_names.len(),
                "template {i} has label {} but there are {} classes",
                t.label,
                self.class_names.len()
            );
        }
        ensure!(
            (1..=gallery::MAX_NEIGHBOURS).contains(&self.neighbours),
            "neighbours = {}, must be 1..={}",
            self.neighbours,
            gallery::MAX_NEIGHBOURS
        );
        if let Some(t) = self.threshold {
            ensure!(t.is_finite(), "threshold {t} must be finite");
            ensure!(
                t >= 0.0 || self.decision.is_some(),
                "threshold {t} on a distance must be non-negative"
            );
        }
        self.decision_rule()?;
        Ok(())
    }

    /// The kernel's decision rule of this model (the winner's distance when
    /// it carries none), checked against M.
    pub fn decision_rule(&self) -> Result<facenmf_core::Rule<'_>> {
        match &self.decision {
            None => Ok(facenmf_core::Rule::DISTANCE),
            Some(d) => d.rule(self.m()),
        }
    }

    /// Reads and validates a model saved by [`Model::save`].
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading model {}", path.display()))?;
        let model: Self = serde_json::from_str(&text)
            .with_context(|| format!("parsing model {}", path.display()))?;
        model
            .validate()
            .with_context(|| format!("invalid model {}", path.display()))?;
        Ok(model)
    }

    /// Validates, then writes the model as JSON atomically (temporary file,
    /// then rename): a failure leaves no partial file.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.validate()
            .context("refusing to save an invalid model")?;
        let text = serde_json::to_string(self)?;
        crate::atomic::write(path, text.as_bytes())
    }
}
