//! `facenmf check`: the chip's kernel (`facenmf-core`, compiled for the host)
//! against the float64 reference on a model's test thumbnails.
//!
//! For every thumbnail: the kernel's features against the reference's
//! ([`crate::reference::lbp`] for LBP; integer counts and one division, so
//! they must be the same bits), the f32 code of the kernel's encoder against the
//! exact Lawson–Hanson code (absolute differences, and the relative
//! objective gap `(f(w₃₂) − f(w*)) / max(f(w*), 1e-4·f(0))`, see
//! [`relative_gap`]), and the label
//! of the kernel's projection and vote against the f64 projection and
//! brute-force vote of the reference code.
//!
//! For a Fisherfaces model the reference code is the f64 linear stage
//! `W x + c` (no objective: the gap is 0).
//!
//! For a quantised model the reference is the float64 model of the same
//! quantised rows: `Model::basis` and the map's `p` hold exactly what the
//! i8 rows stand for (`scale · q`), while the kernel sums the i8 rows
//! themselves (`facenmf_core::rows`).

use anyhow::{anyhow, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::chip::Chip;
use crate::features::FeatureChoice;
use crate::model::{Method, MetricName, Model};
use crate::reference::nnls::{relative_gap, Basis};
use crate::reference::{knn, lbp};

/// Agreement below this fails the check.
pub const MIN_AGREEMENT: f64 = 0.995;
/// A relative objective gap above this fails the check.
pub const MAX_OBJECTIVE_GAP: f64 = 1e-3;

/// The figures of a check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Thumbnails compared.
    pub n: usize,
    /// Thumbnails whose kernel features differ from the reference's in any bit.
    pub feature_mismatches: usize,
    /// Share of thumbnails where kernel and reference give the same label.
    pub agreement: f64,
    /// Largest |w₃₂ − w*| over all codes.
    pub max_abs_code_diff: f64,
    /// Mean |w₃₂ − w*| over all code values.
    pub mean_abs_code_diff: f64,
    /// Largest relative objective gap.
    pub objective_gap: f64,
    /// Mean relative objective gap.
    pub mean_objective_gap: f64,
    /// Mean sweeps of the kernel's encoder.
    pub mean_sweeps: f64,
    /// Share of encodes that met the tolerance before the sweep cap.
    pub converged: f64,
    /// Whether the features are equal and agreement and gap within the limits.
    pub pass: bool,
}

struct One {
    features_equal: bool,
    agree: bool,
    max_diff: f64,
    sum_diff: f64,
    gap: f64,
    sweeps: u16,
    converged: bool,
}

/// The reference features of one thumbnail of `model`'s size.
pub fn reference_features(model: &Model, thumb: &[f32]) -> Result<Vec<f32>> {
    let g = &model.geometry;
    match model.features {
        FeatureChoice::Raw => Ok(thumb.to_vec()),
        FeatureChoice::Lbp {
            rows,
            cols,
            mirror,
            sqrt,
        } => lbp::histograms(thumb, (g.width, g.height), (rows, cols), (mirror, sqrt)),
    }
}

/// Checks `model` on `thumbs` (each a thumbnail of the model's size).
pub fn run(model: &Model, thumbs: &[Vec<f32>]) -> Result<CheckReport> {
    model.validate()?;
    anyhow::ensure!(!thumbs.is_empty(), "no thumbnail to check");
    let chip = Chip::new(model)?;
    let basis = Basis::from_f32(&model.basis, model.k, model.d())?;
    let templates: Vec<(u16, Vec<f32>)> = model
        .templates
        .iter()
        .map(|t| (t.label, t.vector.clone()))
        .collect();
    let ref_metric = match model.metric {
        MetricName::SquaredL2 => knn::Metric::SquaredL2,
        MetricName::Cosine => knn::Metric::Cosine,
    };
    let results: Vec<One> = thumbs
        .par_iter()
        .map(|thumb| -> Result<One> {
            let seen = chip.see_thumbnail(thumb, chip.threshold())?;
            let x = reference_features(model, thumb)?;
            let features_equal = chip
                .features(thumb)?
                .iter()
                .map(|v| v.to_bits())
                .eq(x.iter().map(|v| v.to_bits()));
            let x = x.as_slice();
            let w32: Vec<f64> = seen.embedding.raw.iter().map(|&v| f64::from(v)).collect();
            let (exact, gap) = match model.method {
                Method::Nmf => {
                    let exact = basis.encode(x);
                    let (o32, o64) = (basis.objective(x, &w32), basis.objective(x, &exact));
                    let o0 = basis.objective(x, &vec![0.0; model.k]);
                    (exact, relative_gap(o32, o64, o0))
                }
                // No objective: the code is an exact affine map.
                Method::Fisherfaces => (linear_code_f64(model, x), 0.0),
            };
            let diffs: Vec<f64> = w32.iter().zip(&exact).map(|(a, b)| (a - b).abs()).collect();
            let y_ref: Vec<f32> = project_f64(model, &exact)
                .iter()
                .map(|&v| v as f32)
                .collect();
            let (label, _, _) = knn::classify(&templates, &y_ref, model.neighbours, ref_metric)
                .ok_or_else(|| anyhow!("empty gallery"))?;
            Ok(One {
                features_equal,
                agree: seen.decision.label == label,
                max_diff: diffs.iter().fold(0.0f64, |m, &d| m.max(d)),
                sum_diff: diffs.iter().sum(),
                gap,
                sweeps: seen.embedding.sweeps,
                converged: seen.embedding.converged,
            })
        })
        .collect::<Result<_>>()?;
    let n = results.len() as f64;
    let agreement = results.iter().filter(|r| r.agree).count() as f64 / n;
    let objective_gap = results.iter().fold(0.0f64, |m, r| m.max(r.gap));
    let feature_mismatches = results.iter().filter(|r| !r.features_equal).count();
    Ok(CheckReport {
        n: results.len(),
        feature_mismatches,
        agreement,
        max_abs_code_diff: results.iter().fold(0.0f64, |m, r| m.max(r.max_diff)),
        mean_abs_code_diff: results.iter().map(|r| r.sum_diff).sum::<f64>() / (n * model.k as f64),
        objective_gap,
        mean_objective_gap: results.iter().map(|r| r.gap).sum::<f64>() / n,
        mean_sweeps: results.iter().map(|r| f64::from(r.sweeps)).sum::<f64>() / n,
        converged: results.iter().filter(|r| r.converged).count() as f64 / n,
        pass: feature_mismatches == 0
            && agreement >= MIN_AGREEMENT
            && objective_gap <= MAX_OBJECTIVE_GAP,
    })
}

/// The linear stage of a Fisherfaces model in f64: `W x + c`.
pub fn linear_code_f64(model: &Model, x: &[f32]) -> Vec<f64> {
    let d = model.d();
    model
        .basis
        .chunks(d)
        .zip(&model.encoder_bias)
        .map(|(row, &c)| {
            row.iter()
                .zip(x)
                .map(|(&w, &v)| f64::from(w) * f64::from(v))
                .sum::<f64>()
                + f64::from(c)
        })
        .collect()
}

/// The model's projection of a code, in f64.
pub fn project_f64(model: &Model, code: &[f64]) -> Vec<f64> {
    let mut z: Vec<f64> = code.to_vec();
    if model.sqrt {
        z.iter_mut().for_each(|v| *v = v.max(0.0).sqrt());
    }
    if model.normalize {
        let n = z.iter().map(|v| v * v).sum::<f64>().sqrt();
        if n > 0.0 {
            z.iter_mut().for_each(|v| *v /= n);
        }
    }
    match &model.map {
        None => z,
        Some(map) => (0..map.m)
            .map(|r| {
                let row = &map.p[r * model.k..(r + 1) * model.k];
                row.iter()
                    .zip(&z)
                    .map(|(p, v)| f64::from(*p) * v)
                    .sum::<f64>()
                    + f64::from(map.bias[r])
            })
            .collect(),
    }
}

impl CheckReport {
    /// The report as the terminal shows it.
    pub fn print(&self) {
        println!(
            "check: facenmf-core (f32) against the float64 reference on {} thumbnails",
            self.n
        );
        println!(
            "  features differing     {}  (limit 0)",
            self.feature_mismatches
        );
        println!(
            "  label agreement        {:.2}%  (limit {:.1}%)",
            100.0 * self.agreement,
            100.0 * MIN_AGREEMENT
        );
        println!(
            "  objective gap, max     {:.2e}  (limit {MAX_OBJECTIVE_GAP:e})",
            self.objective_gap
        );
        println!("  objective gap, mean    {:.2e}", self.mean_objective_gap);
        println!(
            "  |code diff|, max/mean  {:.2e} / {:.2e}",
            self.max_abs_code_diff, self.mean_abs_code_diff
        );
        println!(
            "  sweeps, mean           {:.1}  ({:.1}% within tolerance)",
            self.mean_sweeps,
            100.0 * self.converged
        );
        println!(
            "  verdict                {}",
            if self.pass { "PASS" } else { "FAIL" }
        );
    }
}
