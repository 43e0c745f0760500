//! `facenmf selftest`: the chip's kernel against the float64 reference on
//! synthetic frames, end to end (frame → thumbnail → code → class).
//!
//! The basis is K Gaussian blobs on the thumbnail grid; each of P people is a
//! fixed non-negative mixture of blobs, and each frame is that person's
//! mixture with per-frame jitter and noise, drawn at 4x the thumbnail size
//! as an 8-bit camera frame.

use anyhow::{ensure, Result};
use facenmf_core::gallery::{Gallery, Metric};
use facenmf_core::thumbnail::{Crop, PixelFormat, Thumbnailer};
use facenmf_core::{Encoder, StopRule};

use crate::reference::nnls::{relative_gap, Basis};
use crate::reference::{knn, thumbnail as ref_thumb};

const W: usize = 18;
const H: usize = 24;
const D: usize = W * H;
const K: usize = 16;
const PEOPLE: usize = 8;
const FRAMES: usize = 64;
const SCALE: usize = 4;

/// Figures of one self-test run.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Largest |f32 − f64| thumbnail pixel.
    pub max_thumb_diff: f64,
    /// Largest relative objective gap of the f32 code.
    pub max_objective_gap: f64,
    /// Largest |f32 − f64| code value.
    pub max_code_diff: f64,
    /// Share of frames where kernel and reference choose the same person.
    pub agreement: f64,
    /// Share of frames given the right person.
    pub accuracy: f64,
    /// Mean sweeps per encode.
    pub mean_sweeps: f64,
}

/// Runs the self-test with `seed`.
pub fn run(seed: u64) -> Result<Figures> {
    let mut rng = seed.max(1);
    let mut uniform = move || {
        // xorshift64*: enough for synthetic pictures.
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        (rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40) as f32 / (1u64 << 24) as f32
    };
    let mut basis = vec![0.0f32; K * D];
    for i in 0..K {
        let (cy, cx, s) = (
            uniform() * H as f32,
            uniform() * W as f32,
            1.5 + 3.0 * uniform(),
        );
        for p in 0..D {
            let (y, x) = ((p / W) as f32, (p % W) as f32);
            basis[i * D + p] = (-((y - cy).powi(2) + (x - cx).powi(2)) / (2.0 * s * s)).exp();
        }
    }
    let gram: Vec<f32> = (0..K * K)
        .map(|ij| {
            let (i, j) = (ij / K, ij % K);
            (0..D)
                .map(|p| f64::from(basis[i * D + p]) * f64::from(basis[j * D + p]))
                .sum::<f64>() as f32
        })
        .collect();
    let people: Vec<Vec<f32>> = (0..PEOPLE)
        .map(|_| {
            (0..K)
                .map(|_| if uniform() < 0.4 { 0.0 } else { uniform() })
                .collect()
        })
        .collect();

    let rule = StopRule::new(5000, 1e-6);
    let encoder = Encoder::new_checked(&basis, &gram, K, D, rule)?;
    let thumbnailer = Thumbnailer::new_checked(
        W * SCALE + 8,
        H * SCALE + 8,
        PixelFormat::Gray8,
        Crop {
            x: 4,
            y: 4,
            width: W * SCALE,
            height: H * SCALE,
        },
        W,
        H,
    )?;
    let reference = Basis::from_f32(&basis, K, D)?;

    // Gallery: one template per person, the code of its clean mixture.
    let mut templates = Vec::new();
    for (label, w) in people.iter().enumerate() {
        let x: Vec<f32> = (0..D)
            .map(|p| (0..K).map(|i| w[i] * basis[i * D + p]).sum())
            .collect();
        let mut code = [0.0f32; K];
        encoder.encode(&x, &mut code)?;
        templates.push((label as u16, code));
    }
    let gallery: Gallery<'_, K, 0> = Gallery::new_checked(&templates)?;
    let ref_templates: Vec<(u16, Vec<f32>)> =
        templates.iter().map(|(l, v)| (*l, v.to_vec())).collect();

    let mut f = Figures {
        max_thumb_diff: 0.0,
        max_objective_gap: 0.0,
        max_code_diff: 0.0,
        agreement: 0.0,
        accuracy: 0.0,
        mean_sweeps: 0.0,
    };
    for n in 0..FRAMES {
        let person = n % PEOPLE;
        let mix: Vec<f32> = people[person]
            .iter()
            .map(|&v| v * (0.8 + 0.4 * uniform()))
            .collect();
        let (fw, fh) = (W * SCALE + 8, H * SCALE + 8);
        let frame: Vec<u8> = (0..fw * fh)
            .map(|q| {
                let (y, x) = (
                    (q / fw).saturating_sub(4) / SCALE,
                    (q % fw).saturating_sub(4) / SCALE,
                );
                let p = y.min(H - 1) * W + x.min(W - 1);
                let v: f32 =
                    (0..K).map(|i| mix[i] * basis[i * D + p]).sum::<f32>() + 0.05 * uniform();
                crate::data::gray8(v)
            })
            .collect();
        let mut thumb = [0.0f32; D];
        thumbnailer.run(&frame, &mut thumb)?;
        let exact = ref_thumb::thumbnail(&frame, fw, PixelFormat::Gray8, thumbnailer.crop(), W, H);
        for (a, b) in thumb.iter().zip(&exact) {
            f.max_thumb_diff = f.max_thumb_diff.max((f64::from(*a) - b).abs());
        }
        let mut code = [0.0f32; K];
        let report = encoder.encode(&thumb, &mut code)?;
        f.mean_sweeps += f64::from(report.sweeps) / FRAMES as f64;
        let w_ref = reference.encode(&thumb);
        let w32: Vec<f64> = code.iter().map(|&v| f64::from(v)).collect();
        let (o32, o64) = (
            reference.objective(&thumb, &w32),
            reference.objective(&thumb, &w_ref),
        );
        let o0 = reference.objective(&thumb, &[0.0; K]);
        f.max_objective_gap = f.max_objective_gap.max(relative_gap(o32, o64, o0));
        for (a, b) in w32.iter().zip(&w_ref) {
            f.max_code_diff = f.max_code_diff.max((a - b).abs());
        }
        let decision = gallery.classify(&code, 1, Metric::SquaredL2)?;
        let (ref_label, _, _) = knn::classify(&ref_templates, &code, 1, knn::Metric::SquaredL2)
            .ok_or_else(|| anyhow::anyhow!("empty reference gallery"))?;
        f.agreement += f64::from(u8::from(decision.label == ref_label)) / FRAMES as f64;
        f.accuracy += f64::from(u8::from(usize::from(decision.label) == person)) / FRAMES as f64;
    }
    Ok(f)
}

/// Runs and prints the self-test; errors when the kernel disagrees with the
/// reference beyond the tolerances of the property tests.
pub fn main(seed: u64) -> Result<()> {
    let f = run(seed)?;
    println!("facenmf selftest: {FRAMES} synthetic {}x{} frames -> {W}x{H} thumbnails, K = {K}, {PEOPLE} people", W * SCALE + 8, H * SCALE + 8);
    println!(
        "  thumbnail  max |f32 - f64|          {:.2e}  (limit 1e-6)",
        f.max_thumb_diff
    );
    println!(
        "  encode     max relative obj. gap    {:.2e}  (limit 1e-4), {:.1} sweeps/face",
        f.max_objective_gap, f.mean_sweeps
    );
    println!(
        "  encode     max |code f32 - f64|     {:.2e}",
        f.max_code_diff
    );
    println!(
        "  classify   agreement with f64 k-NN  {:.1}%",
        100.0 * f.agreement
    );
    println!(
        "  classify   accuracy                 {:.1}%",
        100.0 * f.accuracy
    );
    ensure!(
        f.max_thumb_diff <= 1e-6,
        "thumbnail differs from the reference by {:e}",
        f.max_thumb_diff
    );
    ensure!(
        f.max_objective_gap <= 1e-4,
        "objective gap {:e} above 1e-4",
        f.max_objective_gap
    );
    ensure!(
        f.agreement == 1.0,
        "kernel and reference disagree on {:.1}% of frames",
        100.0 * (1.0 - f.agreement)
    );
    println!("  verdict    PASS: the kernel computes what the reference computes");
    Ok(())
}
