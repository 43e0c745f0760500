//! Quantised rows on the host: how the trainer turns an f32 matrix (the NMF
//! basis, the LDA map) into the i8 rows with one scale a row that
//! `facenmf_core::rows` reads, and how a model carries them.
//!
//! Symmetric per row: `scale_i = max_j |h_ij| / 127`, rounded **up** to 16
//! significant bits, and `q_ij = round(h_ij / scale_i)` (so `|q| ≤ 127`; a
//! non-negative row gives `0..=127`). With a 16-bit scale, every
//! dequantised value `scale_i · q_ij` (16 bits times at most 7) is exact in
//! f32: the model's f32 copy of the rows, the f64 reference of `check` and
//! the Gram matrix (summed in f64) all see exactly the values the i8 rows
//! stand for. Rounding the scale up raises it by less than 2⁻¹⁴.

use anyhow::{ensure, Result};
use facenmf_core::Storage;
use serde::{Deserialize, Serialize};

/// Largest magnitude of a stored value.
pub const Q_MAX: i8 = 127;

/// Significant bits kept in a scale (so that `scale · q` is exact in f32).
const SCALE_BITS: u32 = 16;

/// How the chip stores the basis and the map (`facenmf train --quant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Quant {
    /// f32 values, 4 bytes each.
    #[default]
    F32,
    /// i8 values with one f32 scale a row, 1 byte each.
    I8,
}

impl Quant {
    /// Bytes in flash of a matrix of `rows x cols` values stored this way
    /// (with a scale a row when i8).
    pub fn matrix_bytes(self, rows: usize, cols: usize) -> usize {
        match self {
            Self::F32 => 4 * rows * cols,
            Self::I8 => rows * cols + 4 * rows,
        }
    }
}

/// A matrix as i8 rows with one scale a row (`row_i ≈ scales[i] · q_i`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantRows {
    /// Row-major values.
    pub q: Vec<i8>,
    /// One scale a row, finite and non-negative.
    pub scales: Vec<f32>,
}

/// The quantised matrices of a model (`"quant"` in its JSON; absent for an
/// f32 model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantised {
    /// The NMF basis, K rows of D.
    pub basis: QuantRows,
    /// The map `P`, M rows of K (`None`: the map, if any, is in f32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<QuantRows>,
}

/// `scale` rounded up to [`SCALE_BITS`] significant bits (positive, finite).
fn round_up_scale(scale: f64) -> f32 {
    let mut f = scale as f32;
    if f64::from(f) < scale {
        f = f.next_up();
    }
    let drop = f32::MANTISSA_DIGITS - SCALE_BITS;
    let mask = (1u32 << drop) - 1;
    // Positive floats order as their bits: adding the mask and clearing it
    // rounds up to the next float with `drop` low zero bits.
    f32::from_bits((f.to_bits() + mask) & !mask)
}

/// Quantises `values` (`rows x cols`, row-major, finite) row by row.
pub fn quantise(values: &[f32], rows: usize, cols: usize) -> Result<QuantRows> {
    ensure!(
        values.len() == rows * cols,
        "cannot quantise {} values as {rows} x {cols}",
        values.len()
    );
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        anyhow::bail!(
            "cannot quantise: value ({}, {}) is NaN or infinite",
            i / cols.max(1),
            i % cols.max(1)
        );
    }
    let mut q = Vec::with_capacity(values.len());
    let mut scales = Vec::with_capacity(rows);
    for row in values.chunks(cols.max(1)).take(rows) {
        let max = row.iter().fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
        let scale = if max > 0.0 {
            round_up_scale(max / f64::from(Q_MAX))
        } else {
            0.0
        };
        scales.push(scale);
        q.extend(row.iter().map(|&v| {
            if scale > 0.0 {
                let r = (f64::from(v) / f64::from(scale)).round();
                r.clamp(-f64::from(Q_MAX), f64::from(Q_MAX)) as i8
            } else {
                0
            }
        }));
    }
    Ok(QuantRows { q, scales })
}

impl QuantRows {
    /// The values the rows stand for, `scale_i · q_ij` (exact in f32 for
    /// scales made by [`quantise`]), row-major.
    pub fn dequantised(&self) -> Vec<f32> {
        let cols = self.q.len() / self.scales.len().max(1);
        self.q
            .chunks(cols.max(1))
            .zip(&self.scales)
            .flat_map(|(row, &s)| row.iter().map(move |&v| s * f32::from(v)))
            .collect()
    }

    /// The kernel's storage of these rows.
    pub fn storage(&self) -> Storage<'_> {
        Storage::I8 {
            q: &self.q,
            scales: &self.scales,
        }
    }

    /// Bytes in flash: one a value, four a scale.
    pub fn bytes(&self) -> usize {
        self.q.len() + 4 * self.scales.len()
    }

    /// Checks that these are `rows x cols` values and that `values` (the
    /// model's f32 copy of `what`) are their dequantised values, bit for bit.
    pub fn check_against(
        &self,
        what: &str,
        values: &[f32],
        rows: usize,
        cols: usize,
    ) -> Result<()> {
        ensure!(
            self.q.len() == rows * cols && self.scales.len() == rows,
            "quantised {what} holds {} values and {} scales, expected {rows} x {cols} and {rows}",
            self.q.len(),
            self.scales.len()
        );
        ensure!(
            values.len() == rows * cols,
            "{what} holds {} values, expected {rows} x {cols}",
            values.len()
        );
        if let Some(i) = self
            .dequantised()
            .iter()
            .zip(values)
            .position(|(a, b)| a.to_bits() != b.to_bits())
        {
            anyhow::bail!(
                "{what} at ({}, {}) is not its quantised value scale · q",
                i / cols,
                i % cols
            );
        }
        Ok(())
    }
}
