//! The chip's pipeline on the host: the one place that runs a [`Model`]
//! through `facenmf-core` the way the firmware's `Recogniser` does.
//!
//! [`Chip::new`] builds the kernel objects of a model once (thumbnailer,
//! feature stage, encoder, projection with and without the map); its methods
//! then run frame → thumbnail → features → code → vector → decision for one
//! image, or for many in parallel (rayon). Every value is computed by the same `facenmf-core`
//! calls in the same order as on the chip, so the results are the chip's
//! bits; the parallel methods only spread whole images over threads.
//!
//! The float64 reference that `check` compares against lives in
//! [`crate::reference`], apart from this module.

use anyhow::{anyhow, ensure, Result};
use facenmf_core::gallery::{self, Decision, Identity, Metric};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_core::{Coder, FeatureExtractor, Projection, Rule};
use rayon::prelude::*;

use crate::data::Dataset;
use crate::model::Model;

/// What the pipeline computes for one thumbnail before the vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// The encoder's code (K), before root and normalisation.
    pub raw: Vec<f32>,
    /// The code after the model's root and normalisation (K).
    pub code: Vec<f32>,
    /// The vector the gallery compares (M): the code after the map.
    pub vector: Vec<f32>,
    /// NNLS sweeps run.
    pub sweeps: u16,
    /// Whether the encoder met its tolerance before the sweep cap.
    pub converged: bool,
}

/// One image through the whole pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    /// Code, vector, sweeps.
    pub embedding: Embedding,
    /// The vote's decision (after the threshold given).
    pub decision: Decision,
}

impl Seen {
    /// Whether the decision is a known person (within the threshold).
    pub fn known(&self) -> bool {
        matches!(self.decision.identity, Identity::Known(_))
    }
}

/// The nearest template of another person than the winner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunnerUp {
    /// Its label.
    pub label: u16,
    /// Its distance (the model's metric).
    pub distance: f32,
}

/// The chip's vote (`facenmf_core::gallery::classify`) over `templates`.
pub fn vote<'t>(
    templates: impl IntoIterator<Item = (u16, &'t [f32])>,
    query: &[f32],
    k: usize,
    metric: Metric,
    threshold: f32,
) -> Result<Decision> {
    gallery::classify(templates, query, k, metric, threshold).map_err(|e| anyhow!("vote: {e}"))
}

/// A model's kernel objects, built once.
#[derive(Debug)]
pub struct Chip<'m> {
    model: &'m Model,
    thumbnailer: Thumbnailer,
    features: FeatureExtractor,
    encoder: Coder<'m>,
    /// Root and normalisation, without the map.
    prepare: Projection<'m>,
    /// Root, normalisation and map: what the gallery compares.
    projection: Projection<'m>,
    /// What the threshold is compared with.
    rule: Rule<'m>,
}

impl<'m> Chip<'m> {
    /// The kernel of `model`; fails when the model's geometry, basis, Gram
    /// or map are refused by `facenmf-core`. The gallery may still be empty
    /// (a model being assembled); the vote then fails.
    pub fn new(model: &'m Model) -> Result<Self> {
        Ok(Self {
            model,
            thumbnailer: model.geometry.thumbnailer()?,
            features: model.feature_extractor()?,
            encoder: model.coder()?,
            prepare: Projection::new_checked(model.k, model.sqrt, model.normalize, None)
                .map_err(|e| anyhow!("projection: {e}"))?,
            projection: model.projection()?,
            rule: model.decision_rule()?,
        })
    }

    /// The model.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The model's "unknown" threshold, or infinity (every face named).
    pub fn threshold(&self) -> f32 {
        self.model.threshold.unwrap_or(f32::INFINITY)
    }

    /// The thumbnail (width · height values) of a camera frame (8-bit gray,
    /// the model's frame size).
    pub fn thumbnail(&self, frame: &[u8]) -> Result<Vec<f32>> {
        let mut thumb = vec![0.0f32; self.model.geometry.d()];
        self.thumbnailer
            .run(frame, &mut thumb)
            .map_err(|e| anyhow!("thumbnail: {e}"))?;
        Ok(thumb)
    }

    /// The features (D values) of one thumbnail, as the chip computes them.
    pub fn features(&self, thumb: &[f32]) -> Result<Vec<f32>> {
        features_of(&self.features, thumb)
    }

    /// The model's thumbnail of `crop` of a `width x height` 8-bit gray
    /// frame (any size; e.g. a whole camera frame and the locator's crop).
    pub fn thumbnail_of(
        &self,
        frame: &[u8],
        width: usize,
        height: usize,
        crop: Crop,
    ) -> Result<Vec<f32>> {
        let g = &self.model.geometry;
        let t =
            Thumbnailer::new_checked(width, height, PixelFormat::Gray8, crop, g.width, g.height)
                .map_err(|e| anyhow!("thumbnail of crop {crop:?}: {e}"))?;
        let mut thumb = vec![0.0f32; g.d()];
        t.run(frame, &mut thumb)
            .map_err(|e| anyhow!("thumbnail: {e}"))?;
        Ok(thumb)
    }

    /// Features, code and vector of one thumbnail.
    pub fn embed(&self, thumb: &[f32]) -> Result<Embedding> {
        let x = self.features(thumb)?;
        let mut code = vec![0.0f32; self.model.k];
        let solve = self
            .encoder
            .encode(&x, &mut code)
            .map_err(|e| anyhow!("encode: {e}"))?;
        let raw = code.clone();
        let mut out = vec![0.0f32; self.model.m()];
        let vector = self
            .projection
            .apply(&mut code, &mut out)
            .map_err(|e| anyhow!("project: {e}"))?
            .to_vec();
        Ok(Embedding {
            raw,
            code,
            vector,
            sweeps: solve.sweeps,
            converged: solve.converged,
        })
    }

    /// The vote over the model's gallery for one vector (M values), its
    /// score by the model's decision rule compared with `threshold`.
    pub fn decide(&self, vector: &[f32], threshold: f32) -> Result<Decision> {
        gallery::classify_with(
            self.model
                .templates
                .iter()
                .map(|t| (t.label, t.vector.as_slice())),
            vector,
            self.model.neighbours,
            self.model.metric.into(),
            &self.rule,
            threshold,
        )
        .map_err(|e| anyhow!("vote: {e}"))
    }

    /// The nearest template of a person other than `winner`, or `None`
    /// when the gallery holds nobody else.
    pub fn runner_up(&self, vector: &[f32], winner: u16) -> Result<Option<RunnerUp>> {
        let mut others = self
            .model
            .templates
            .iter()
            .filter(|t| t.label != winner)
            .map(|t| (t.label, t.vector.as_slice()))
            .peekable();
        if others.peek().is_none() {
            return Ok(None);
        }
        let d = vote(others, vector, 1, self.model.metric.into(), f32::INFINITY)?;
        Ok(Some(RunnerUp {
            label: d.label,
            distance: d.distance,
        }))
    }

    /// One thumbnail through encoder, projection and vote.
    pub fn see_thumbnail(&self, thumb: &[f32], threshold: f32) -> Result<Seen> {
        let embedding = self.embed(thumb)?;
        let decision = self.decide(&embedding.vector, threshold)?;
        Ok(Seen {
            embedding,
            decision,
        })
    }

    /// One camera frame through the whole pipeline, with the model's
    /// threshold: what the chip's `Recogniser::recognise` computes.
    pub fn see_frame(&self, frame: &[u8]) -> Result<Seen> {
        self.see_thumbnail(&self.thumbnail(frame)?, self.threshold())
    }

    /// [`Chip::see_frame`] of every frame, in parallel, in order.
    pub fn see_frames(&self, frames: &[Vec<u8>]) -> Result<Vec<Seen>> {
        frames
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                self.see_frame(f)
                    .map_err(|e| e.context(format!("frame {i}")))
            })
            .collect()
    }

    /// Thumbnail, code and vector of every frame, in parallel, in order
    /// (no vote: the gallery may be empty).
    pub fn embed_frames(&self, frames: &[Vec<u8>]) -> Result<Vec<Embedding>> {
        frames
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                self.thumbnail(f)
                    .and_then(|t| self.embed(&t))
                    .map_err(|e| e.context(format!("frame {i}")))
            })
            .collect()
    }

    /// [`Chip::see_thumbnail`] of every image of `thumbs` (thumbnails of
    /// the model's size), in parallel, in order.
    pub fn see_all(&self, thumbs: &Dataset, threshold: f32) -> Result<Vec<Seen>> {
        self.check_thumbs(thumbs)?;
        (0..thumbs.len())
            .into_par_iter()
            .map(|i| {
                self.see_thumbnail(thumbs.image(i), threshold)
                    .map_err(|e| e.context(format!("image {i}")))
            })
            .collect()
    }

    /// The vectors the gallery compares (`n × M`) of every image of
    /// `thumbs`, in parallel.
    pub fn vectors(&self, thumbs: &Dataset) -> Result<Vec<f32>> {
        self.check_thumbs(thumbs)?;
        let m = self.model.m();
        let mut out = vec![0.0f32; thumbs.len() * m];
        out.par_chunks_mut(m)
            .enumerate()
            .try_for_each(|(i, y)| -> Result<()> {
                let e = self
                    .embed(thumbs.image(i))
                    .map_err(|e| e.context(format!("image {i}")))?;
                y.copy_from_slice(&e.vector);
                Ok(())
            })?;
        Ok(out)
    }

    /// Codes after the model's root and normalisation (its map not
    /// applied), `n × K`, of thumbnails of the model's size given as the
    /// rows of `thumbs`, through the feature stage, in parallel.
    pub fn prepared_codes(&self, thumbs: &[f32]) -> Result<Vec<f32>> {
        let d = self.features.input_len();
        ensure!(
            d > 0 && thumbs.len().is_multiple_of(d),
            "{} values are not whole thumbnails of {d}",
            thumbs.len()
        );
        let k = self.model.k;
        let mut out = vec![0.0f32; thumbs.len() / d * k];
        out.par_chunks_mut(k)
            .zip(thumbs.par_chunks(d))
            .enumerate()
            .try_for_each(|(i, (code, thumb))| -> Result<()> {
                let x = self
                    .features(thumb)
                    .map_err(|e| e.context(format!("image {i}")))?;
                self.encoder
                    .encode(&x, code)
                    .map_err(|e| anyhow!("encoding image {i}: {e}"))?;
                self.prepare
                    .apply(code, &mut [])
                    .map_err(|e| anyhow!("image {i}: {e}"))?;
                Ok(())
            })?;
        Ok(out)
    }

    /// The decisions for vectors (`n × M`), in parallel, in order.
    pub fn decide_all(&self, vectors: &[f32], threshold: f32) -> Result<Vec<Decision>> {
        let m = self.model.m();
        ensure!(
            m > 0 && vectors.len().is_multiple_of(m),
            "{} values are not whole vectors of {m}",
            vectors.len()
        );
        vectors
            .par_chunks(m)
            .map(|y| self.decide(y, threshold))
            .collect()
    }

    /// Share of the images of `thumbs` whose decision (threshold off) is
    /// their label.
    pub fn accuracy(&self, thumbs: &Dataset) -> Result<f64> {
        ensure!(!thumbs.is_empty(), "no test image");
        let seen = self.see_all(thumbs, f32::INFINITY)?;
        Ok(accuracy_of(&seen, &thumbs.labels))
    }

    fn check_thumbs(&self, thumbs: &Dataset) -> Result<()> {
        let g = &self.model.geometry;
        ensure!(
            (thumbs.height, thumbs.width) == (g.height, g.width),
            "the thumbnails are {}x{} but the model takes {}x{}",
            thumbs.height,
            thumbs.width,
            g.height,
            g.width
        );
        Ok(())
    }
}

/// The features of one thumbnail by the kernel's feature stage `f`.
pub fn features_of(f: &FeatureExtractor, thumb: &[f32]) -> Result<Vec<f32>> {
    let mut x = vec![0.0f32; f.output_len()];
    f.run(thumb, &mut x).map_err(|e| anyhow!("features: {e}"))?;
    Ok(x)
}

/// The features (`n × D`) of every thumbnail of `thumbs` (`n ×` the
/// stage's input length) by the kernel's feature stage `f`, in parallel.
pub fn features_all(f: &FeatureExtractor, thumbs: &[f32]) -> Result<Vec<f32>> {
    let (d_in, d) = (f.input_len(), f.output_len());
    ensure!(
        d_in > 0 && thumbs.len().is_multiple_of(d_in),
        "{} values are not whole thumbnails of {d_in}",
        thumbs.len()
    );
    let mut out = vec![0.0f32; thumbs.len() / d_in * d];
    out.par_chunks_mut(d)
        .zip(thumbs.par_chunks(d_in))
        .enumerate()
        .try_for_each(|(i, (x, thumb))| {
            f.run(thumb, x)
                .map_err(|e| anyhow!("features of image {i}: {e}"))
        })?;
    Ok(out)
}

/// Share of `seen` whose decided label is the label beside it.
pub fn accuracy_of(seen: &[Seen], labels: &[u16]) -> f64 {
    let correct = seen
        .iter()
        .zip(labels)
        .filter(|(s, &l)| s.decision.label == l)
        .count();
    correct as f64 / seen.len().max(1) as f64
}
