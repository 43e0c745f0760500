//! What a model costs on the chip: flash, RAM and multiply-adds per face.
//!
//! Counted from the shapes alone (D features, K components, M comparison
//! dimensions, N templates, the working space of thumbnail and features), as the export lays the model out in flash:
//! `BASIS` (K·D f32), `GRAM` (K² f32), `MAP` and `BIAS` (M·K + M f32),
//! `TEMPLATES` (N · (4 + 4M) bytes: a u16 label padded to 4, then M f32),
//! `COHORT` (C·M f32, the decision's cohort vectors).

use serde::{Deserialize, Serialize};

use crate::model::Model;

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
    /// `D·K + sweeps·K² + M·K + N·M + C·M`.
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
        } = *self;
        let map_floats = if map { m * k + m } else { 0 };
        Budget {
            flash_bytes: 4 * (k * d + k * k + map_floats + c * m) + n * (4 + 4 * m),
            ram_bytes: 4 * (work + 2 * k + m) + enrolled * (4 + 4 * m),
            macs: d * k + sweeps * k * k + if map { m * k } else { 0 } + n * m + c * m,
        }
    }
}
