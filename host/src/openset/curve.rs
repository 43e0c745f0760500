//! Open-set recognition: most faces a camera sees belong to nobody in the
//! gallery. Given the decisions of the chip's vote (threshold off) on probes
//! of enrolled people and of strangers, this sweeps the "unknown" threshold
//! over their scores (the winner's distance, or the model's normalised
//! score) and reports, at each:
//!
//! - **known correct rate** (detection and identification rate): enrolled
//!   probes named correctly *and* within the threshold;
//! - **false accept rate**: strangers within the threshold (named as
//!   somebody, which is always wrong).
//!
//! [`Curve::threshold_at`] picks the largest threshold whose false accept
//! rate stays at or below a target, the value the exported model carries.

use anyhow::{ensure, Context, Result};
use facenmf_core::gallery::Metric;
use serde::Serialize;

use crate::chip;

/// The vote's answer for one probe, before any threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// The score the threshold is compared with (the winner's distance
    /// unless the model's decision normalises it).
    pub score: f32,
    /// Whether the winner is the probe's person (always false for strangers).
    pub correct: bool,
}

/// Decides every probe with the kernel's vote (no threshold): `known` are
/// (true label, vector) of enrolled people, `strangers` vectors of others.
pub fn decide(
    templates: &[(u16, Vec<f32>)],
    known: &[(u16, Vec<f32>)],
    strangers: &[Vec<f32>],
    k: usize,
    metric: Metric,
) -> Result<(Vec<Probe>, Vec<Probe>)> {
    let vote = |q: &[f32]| {
        chip::vote(
            templates.iter().map(|(l, v)| (*l, v.as_slice())),
            q,
            k,
            metric,
            f32::INFINITY,
        )
        .context("open-set vote")
    };
    let known = known
        .iter()
        .map(|(l, q)| {
            vote(q).map(|d| Probe {
                score: d.score,
                correct: d.label == *l,
            })
        })
        .collect::<Result<_>>()?;
    let strangers = strangers
        .iter()
        .map(|q| {
            vote(q).map(|d| Probe {
                score: d.score,
                correct: false,
            })
        })
        .collect::<Result<_>>()?;
    Ok((known, strangers))
}

/// One point of the curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// Answer `Unknown` above this score.
    pub threshold: f32,
    /// Share of enrolled probes named correctly within the threshold.
    pub known_correct: f64,
    /// Share of strangers within the threshold.
    pub false_accept: f64,
}

/// The curve over every distinct threshold that changes an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// Points by increasing threshold, from "reject all" to "accept all".
    pub points: Vec<Point>,
    /// Enrolled probes.
    pub n_known: usize,
    /// Stranger probes.
    pub n_strangers: usize,
}

impl Curve {
    /// Builds the curve from the probes' decisions.
    pub fn new(known: &[Probe], strangers: &[Probe]) -> Result<Self> {
        ensure!(
            !known.is_empty(),
            "open-set evaluation needs probes of enrolled people"
        );
        ensure!(
            !strangers.is_empty(),
            "open-set evaluation needs stranger probes"
        );
        let mut cuts: Vec<f32> = known.iter().chain(strangers).map(|p| p.score).collect();
        ensure!(cuts.iter().all(|d| !d.is_nan()), "a probe's score is NaN");
        cuts.sort_by(f32::total_cmp);
        cuts.dedup();
        // Just below the smallest score: rejects everything.
        let mut thresholds = vec![cuts[0].next_down()];
        thresholds.extend(&cuts);
        let points = thresholds
            .into_iter()
            .map(|t| point_at(known, strangers, t))
            .collect();
        Ok(Self {
            points,
            n_known: known.len(),
            n_strangers: strangers.len(),
        })
    }

    /// The point with the largest threshold whose false accept rate is at
    /// most `far` (the first point, rejecting everything, always qualifies).
    pub fn threshold_at(&self, far: f64) -> Point {
        self.points
            .iter()
            .rev()
            .find(|p| p.false_accept <= far)
            .copied()
            .unwrap_or(self.points[0])
    }

    /// Closed-set accuracy: the known correct rate with no threshold.
    pub fn closed_set_accuracy(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p.known_correct)
    }
}

/// The rates at `threshold` (accept when the score is at most it); a side
/// without probes has rate 0.
pub fn point_at(known: &[Probe], strangers: &[Probe], threshold: f32) -> Point {
    let share = |v: &[Probe], f: &dyn Fn(&Probe) -> bool| {
        v.iter().filter(|p| f(p)).count() as f64 / v.len().max(1) as f64
    };
    Point {
        threshold,
        known_correct: share(known, &|p| p.correct && p.score <= threshold),
        false_accept: share(strangers, &|p| p.score <= threshold),
    }
}
