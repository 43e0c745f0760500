//! What a model costs on the chip: flash, RAM and multiply-adds per face.
//!
//! Counted from the shapes alone (D features, K components, M comparison
//! dimensions, N templates, the working space of thumbnail and features), as the export lays the model out in flash:
//! `BASIS` (K·D f32, or K·D i8 and K f32 scales when quantised), `GRAM`
//! (K² f32; a Fisherfaces model has `ENCODER_BIAS`, K f32, instead), `MAP` and `BIAS` (M·K + M f32, or M·K i8, M scales and M f32
//! when quantised), `TEMPLATES` (N · (4 + 4M) bytes: a u16 label padded to
//! 4, then M f32), `COHORT` (C·M f32, the decision's cohort vectors).

use serde::{Deserialize, Serialize};

use crate::model::{Method, Model};
use crate::quant::Quant;

/// The cost of one model shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Bytes of model data in flash.
    pub flash_bytes: usize,
    /// Bytes of RAM for the working buffers of one inference (thumbnail and
    /// features, code, correlation, projected vector) plus room for `enrolled`
    /// templates; the camera frame buffer is the board's and not counted.
    pub ram_bytes: usize,
    /// Multiply-adds of one inference at `sweeps` encoder sweeps:
    /// `D·K + sweeps·K² + M·K + N·M + C·M` (no sweeps for a linear stage).
    pub macs: usize,
}

/// The shape of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shape {
    /// Features per thumbnail (the basis width D; the pixels for raw
    /// features).
    pub d: usize,
    /// Values of the recogniser's working space: the thumbnail, plus the
    /// features unless they are the thumbnail itself.
    pub work: usize,
    /// Components.
    pub k: usize,
    /// Comparison dimensions (K without a map).
    pub m: usize,
    /// Whether a linear map is stored.
    pub map: bool,
    /// Templates in flash.
    pub n: usize,
    /// Cohort vectors of the decision (0 without one).
    pub c: usize,
    /// How the basis is stored.
    pub quant: Quant,
    /// How the map is stored.
    pub map_quant: Quant,
    /// How features become a code: NMF (a Gram matrix in flash, sweeps)
    /// or a linear stage (a bias, no sweep).
    pub method: Method,
}

impl Shape {
    /// The shape of `model`.
    pub fn of(model: &Model) -> Self {
        Self {
            d: model.d(),
            work: if model.features.is_raw() {
                model.d()
            } else {
                model.geometry.d() + model.d()
            },
            k: model.k,
            m: model.m(),
            map: model.map.is_some(),
            n: model.templates.len(),
            c: model
                .decision
                .as_ref()
                .map_or(0, |r| r.cohort_len(model.m())),
            quant: model.quant_kind(),
            map_quant: match &model.quant {
                Some(q) if q.map.is_some() => Quant::I8,
                _ => Quant::F32,
            },
            method: model.method,
        }
    }

    /// Its cost at `sweeps` encoder sweeps with room for `enrolled` run-time
    /// templates.
    pub fn budget(&self, sweeps: usize, enrolled: usize) -> Budget {
        let Self {
            d,
            work,
            k,
            m,
            map,
            n,
            c,
            quant,
            map_quant,
            method,
        } = *self;
        // The encoder's own data: the Gram matrix (NMF) or the bias (linear).
        let (stage_bytes, sweep_macs) = match method {
            Method::Nmf => (4 * k * k, sweeps * k * k),
            Method::Fisherfaces => (4 * k, 0),
        };
        let map_bytes = if map {
            map_quant.matrix_bytes(m, k) + 4 * m
        } else {
            0
        };
        Budget {
            flash_bytes: quant.matrix_bytes(k, d)
                + stage_bytes
                + map_bytes
                + 4 * c * m
                + n * (4 + 4 * m),
            ram_bytes: 4 * (work + 2 * k + m) + enrolled * (4 + 4 * m),
            macs: d * k + sweep_macs + if map { m * k } else { 0 } + n * m + c * m,
        }
    }
}
