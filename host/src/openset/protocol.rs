//! The open-set experiment, end to end.
//!
//! 1. People are split (seeded) into **enrolled** people and **strangers**;
//!    the strangers are split again into a *calibration* half and an
//!    *evaluation* half (whole people, never single images).
//! 2. The device recipe is trained on the enrolled people only (basis, LDA
//!    and templates never see a stranger); its test split gives the known
//!    probes.
//! 3. The threshold is the largest distance whose false-accept rate on the
//!    calibration strangers is at most the target; the model carries it.
//! 4. That threshold is then measured on the evaluation strangers, which took
//!    no part in choosing it: the figures a user should expect.
//! 5. Enrolment curve: every stranger becomes a newcomer enrolled from their
//!    first `n` photos (n = 1, 3, 5, 10; the model's basis and map never saw
//!    them) and is probed with their remaining photos, in a closed-set vote
//!    among all enrolled people and newcomers.

use anyhow::{ensure, Context, Result};
use serde::Serialize;

use super::curve::{point_at, Curve, Point, Probe};
use crate::chip::Chip;
use crate::data::rng::RandomState;
use crate::data::Dataset;
use crate::enroll::{self, TemplateMode};
use crate::model::Model;
use crate::train::{self, Spec};

/// The experiment's own options (the recipe is a [`Spec`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    /// Share of people held out as strangers, in `(0, 1)`.
    pub stranger_share: f64,
    /// Target false-accept rate the threshold is chosen for, in `[0, 1]`.
    pub far: f64,
    /// Seed of the people split.
    pub seed: u32,
    /// Photos per newcomer of the enrolment curve.
    pub enrol_photos: Vec<usize>,
}

impl Default for Protocol {
    /// A quarter of the people are strangers; 5% false accepts; 1, 3, 5, 10 photos.
    fn default() -> Self {
        Self {
            stranger_share: 0.25,
            far: 0.05,
            seed: 8,
            enrol_photos: vec![1, 3, 5, 10],
        }
    }
}

/// Who is who: labels of the original dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct People {
    /// Enrolled people (trained on).
    pub enrolled: Vec<u16>,
    /// Strangers that choose the threshold.
    pub calibration: Vec<u16>,
    /// Strangers that measure it.
    pub evaluation: Vec<u16>,
}

/// Splits `classes` people: `round(share · classes)` strangers (at least 2),
/// halved into calibration and evaluation, the rest enrolled (at least 2).
pub fn split_people(classes: usize, share: f64, seed: u32) -> Result<People> {
    ensure!(
        share > 0.0 && share < 1.0,
        "the strangers' share must be in (0, 1), got {share}"
    );
    let n_strangers = ((share * classes as f64).round() as usize).max(2);
    ensure!(
        classes >= n_strangers + 2,
        "{classes} people are too few for an open-set split: it needs at least 2 enrolled people and 2 strangers"
    );
    let order = RandomState::new(seed).permutation(classes);
    let label = |i: &usize| *i as u16;
    let mut strangers: Vec<u16> = order[..n_strangers].iter().map(label).collect();
    let mut enrolled: Vec<u16> = order[n_strangers..].iter().map(label).collect();
    let evaluation = strangers.split_off(n_strangers / 2);
    let mut calibration = strangers;
    enrolled.sort_unstable();
    calibration.sort_unstable();
    let mut evaluation = evaluation;
    evaluation.sort_unstable();
    Ok(People {
        enrolled,
        calibration,
        evaluation,
    })
}

/// How newcomers are recognised after enrolling `photos` photos each.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnrolPoint {
    /// Photos enrolled per newcomer.
    pub photos: usize,
    /// Newcomers with more than `photos` photos (the others are skipped).
    pub people: usize,
    /// Probes of newcomers (their photos after the first `photos`).
    pub probes: usize,
    /// Share of those probes named correctly (closed set, threshold off).
    pub newcomer_accuracy: f64,
    /// Share of the enrolled people's test probes still named correctly.
    pub known_accuracy: f64,
}

/// Everything the experiment measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The people split.
    pub people: People,
    /// Recognition of enrolled people with no threshold.
    pub closed_set_accuracy: f64,
    /// Known probes (the enrolled people's test split).
    pub n_known: usize,
    /// Calibration stranger probes.
    pub n_calibration: usize,
    /// Evaluation stranger probes.
    pub n_evaluation: usize,
    /// The target false-accept rate.
    pub far_target: f64,
    /// The chosen threshold (the model carries it).
    pub threshold: f32,
    /// At the threshold, on the calibration strangers.
    pub calibration: Point,
    /// At the threshold, on the evaluation strangers (held out from the choice).
    pub evaluation: Point,
    /// The whole curve on the evaluation strangers.
    pub curve: Curve,
    /// The whole curve on the calibration strangers.
    pub calibration_curve: Curve,
    /// Newcomers enrolled from a few photos.
    pub enrolment: Vec<EnrolPoint>,
    /// The training report of the enrolled people's model.
    pub train: train::Report,
}

/// Images of `ds` whose label is in `people`, relabelled densely in that order.
pub fn people_subset(ds: &Dataset, people: &[u16]) -> Result<Dataset> {
    let idx: Vec<usize> = (0..ds.len())
        .filter(|&i| people.contains(&ds.labels[i]))
        .collect();
    Ok(ds.subset(&idx)?.drop_empty_classes())
}

/// The vote's probes for `vectors` (`n × M`) with true labels `labels`
/// (`None`: strangers), threshold off.
pub fn probes(model: &Model, vectors: &[f32], labels: Option<&[u16]>) -> Result<Vec<Probe>> {
    let decisions = Chip::new(model)?.decide_all(vectors, f32::INFINITY)?;
    Ok(decisions
        .iter()
        .enumerate()
        .map(|(i, d)| Probe {
            score: d.score,
            correct: labels.is_some_and(|l| l[i] == d.label),
        })
        .collect())
}

/// Runs the experiment on `ds` (frames) with the recipe `spec`; returns the
/// model of the enrolled people carrying the chosen threshold, and the report.
pub fn run(
    ds: &Dataset,
    spec: &Spec,
    proto: &Protocol,
    provenance: std::collections::BTreeMap<String, String>,
) -> Result<(Model, Report)> {
    ensure!(
        (0.0..=1.0).contains(&proto.far),
        "the target false-accept rate must be in [0, 1], got {}",
        proto.far
    );
    let people = split_people(ds.class_names.len(), proto.stranger_share, proto.seed)?;
    let known_ds = people_subset(ds, &people.enrolled)?;
    let (mut model, train_report) =
        train::train(&known_ds, spec, provenance).context("training on the enrolled people")?;
    let test = train::test_split(&model, &known_ds)?;
    let known_vectors = Chip::new(&model)?.vectors(&test)?;
    let known = probes(&model, &known_vectors, Some(&test.labels))?;
    // Each stranger's vectors, once: they serve the curve and the enrolment.
    let strangers: Vec<(u16, Vec<f32>)> = people
        .calibration
        .iter()
        .chain(&people.evaluation)
        .map(|&p| Ok((p, enroll::vectors(&model, &people_subset(ds, &[p])?)?)))
        .collect::<Result<_>>()?;
    let stranger_probes = |who: &[u16]| -> Result<Vec<Probe>> {
        let flat: Vec<f32> = strangers
            .iter()
            .filter(|(p, _)| who.contains(p))
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        probes(&model, &flat, None)
    };
    let cal = stranger_probes(&people.calibration)?;
    let eval = stranger_probes(&people.evaluation)?;
    let calibration_curve = Curve::new(&known, &cal)?;
    let curve = Curve::new(&known, &eval)?;
    // The curve's "reject all" point can sit below zero; the chip takes t ≥ 0.
    let threshold = calibration_curve.threshold_at(proto.far).threshold.max(0.0);
    model.threshold = Some(threshold);
    model.provenance.insert(
        "threshold".to_string(),
        format!(
            "{threshold} = false-accept rate ≤ {} on {} calibration strangers ({} images), seed {}",
            proto.far,
            people.calibration.len(),
            cal.len(),
            proto.seed
        ),
    );
    let enrolment = proto
        .enrol_photos
        .iter()
        .map(|&n| enrol_point(&model, ds, &strangers, (&test.labels, &known_vectors), n))
        .collect::<Result<_>>()?;
    let report = Report {
        closed_set_accuracy: curve.closed_set_accuracy(),
        n_known: known.len(),
        n_calibration: cal.len(),
        n_evaluation: eval.len(),
        far_target: proto.far,
        threshold,
        calibration: point_at(&known, &cal, threshold),
        evaluation: point_at(&known, &eval, threshold),
        curve,
        calibration_curve,
        enrolment,
        train: train_report,
        people,
    };
    Ok((model, report))
}

/// Enrols every stranger (`strangers`: label in `ds` and vectors) with more
/// than `n` photos from their first `n`, then probes with the rest and with
/// the known test split (`known`: labels and vectors), threshold off.
fn enrol_point(
    model: &Model,
    ds: &Dataset,
    strangers: &[(u16, Vec<f32>)],
    known: (&[u16], &[f32]),
    n: usize,
) -> Result<EnrolPoint> {
    ensure!(n > 0, "enrolment needs at least one photo");
    let m = model.m();
    let mut grown = model.clone();
    grown.threshold = None;
    let mut labels = Vec::new();
    let mut vectors = Vec::new();
    for (person, v) in strangers {
        if v.len() <= n * m {
            continue;
        }
        let name = format!("newcomer {}", ds.class_names[usize::from(*person)]);
        let label = enroll::add_person(&mut grown, &name, &v[..n * m], TemplateMode::Mean)?;
        labels.extend(std::iter::repeat_n(label, v.len() / m - n));
        vectors.extend_from_slice(&v[n * m..]);
    }
    let rate = |labels: &[u16], vectors: &[f32]| -> Result<f64> {
        if labels.is_empty() {
            return Ok(f64::NAN);
        }
        let p = probes(&grown, vectors, Some(labels))?;
        Ok(p.iter().filter(|p| p.correct).count() as f64 / p.len() as f64)
    };
    Ok(EnrolPoint {
        photos: n,
        people: grown.class_names.len() - model.class_names.len(),
        probes: labels.len(),
        newcomer_accuracy: rate(&labels, &vectors)?,
        known_accuracy: rate(known.0, known.1)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_split_is_a_partition() {
        let p = split_people(40, 0.25, 3).unwrap();
        assert_eq!(p.calibration.len() + p.evaluation.len(), 10);
        assert_eq!(p.enrolled.len(), 30);
        let mut all: Vec<u16> = p
            .enrolled
            .iter()
            .chain(&p.calibration)
            .chain(&p.evaluation)
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..40).collect::<Vec<u16>>());
        assert_ne!(split_people(40, 0.25, 4).unwrap(), p, "the seed matters");
    }

    #[test]
    fn people_split_refuses_too_few() {
        assert!(split_people(3, 0.5, 1).is_err());
        assert!(split_people(10, 0.0, 1).is_err());
        assert!(split_people(10, 1.0, 1).is_err());
        assert!(split_people(4, 0.1, 1).is_ok());
    }
}
