//! What `facenmf-core` computes on the host for the same frames (through
//! [`Chip`]), and how the chip's answers compare with it.

use anyhow::{ensure, Result};

use super::output::ChipOutput;
use crate::chip::Chip;
use crate::model::Model;

/// What `facenmf-core` computes on the host for one frame, the very steps of
/// `Recogniser::recognise`.
#[derive(Debug, Clone, PartialEq)]
pub struct HostFrame {
    /// Nearest label.
    pub label: u16,
    /// Known after the threshold.
    pub known: bool,
    /// Distance.
    pub distance: f32,
    /// NNLS sweeps.
    pub sweeps: u16,
    /// Code after root and normalisation (K).
    pub code: Vec<f32>,
    /// Projected vector (M).
    pub out: Vec<f32>,
}

/// One frame on the host: NNLS sweeps run, code (K), projected vector (M).
pub type Embedded = (u16, Vec<f32>, Vec<f32>);

/// Code (after root and normalisation) and projected vector of each frame,
/// with the sweeps run: the first steps of `Recogniser::recognise`, on the
/// host by [`Chip`].
pub fn embed_on_host(model: &Model, frames: &[Vec<u8>]) -> Result<Vec<Embedded>> {
    Ok(Chip::new(model)?
        .embed_frames(frames)?
        .into_iter()
        .map(|e| (e.sweeps, e.code, e.vector))
        .collect())
}

/// Runs `model` through facenmf-core on the host (by [`Chip`]), frame by
/// frame, with the model's threshold.
pub fn predict_on_host(model: &Model, frames: &[Vec<u8>]) -> Result<Vec<HostFrame>> {
    Ok(Chip::new(model)?
        .see_frames(frames)?
        .into_iter()
        .map(|s| HostFrame {
            label: s.decision.label,
            known: s.known(),
            distance: s.decision.distance,
            sweeps: s.embedding.sweeps,
            code: s.embedding.code,
            out: s.embedding.vector,
        })
        .collect())
}

/// How the chip's answers compare with the host's for the same frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Agreement {
    /// Frames compared.
    pub frames: usize,
    /// Frames whose label and known/unknown answer are equal.
    pub same_answer: usize,
    /// Frames whose code and projected vector are equal bit for bit.
    pub bit_identical: usize,
}

/// Compares the board's output with the host's predictions, frame by frame.
pub fn compare(chip: &ChipOutput, host: &[HostFrame]) -> Result<Agreement> {
    ensure!(
        chip.frames.len() == host.len(),
        "the board answered {} frames, the host {}",
        chip.frames.len(),
        host.len()
    );
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
    let mut a = Agreement {
        frames: host.len(),
        same_answer: 0,
        bit_identical: 0,
    };
    for (c, h) in chip.frames.iter().zip(host) {
        a.same_answer += usize::from(c.label == h.label && c.known == h.known);
        a.bit_identical += usize::from(c.code == bits(&h.code) && c.out == bits(&h.out));
    }
    Ok(a)
}
