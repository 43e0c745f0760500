//! The open-set experiment against a second dataset of strangers (e.g.
//! the LFW people with 1..9 pictures, none of whom is enrolled).
//!
//! 1. The known people are SOURCE's: the device recipe is trained on its
//!    training split as `facenmf train` does; its test split gives the known
//!    probes.
//! 2. The strangers are split (seeded) **by person** into a calibration
//!    half and an evaluation half. Of the calibration half, `C` people with
//!    at least two pictures (the first in seeded order) give the cohort:
//!    their mean vectors are what cohort scores compare with; the other
//!    calibration people choose the thresholds.
//! 3. For each decision measured, the threshold for each target
//!    false-accept rate is the largest score whose rate on the calibration
//!    strangers is at most the target; the evaluation strangers, which took
//!    no part in any choice, measure it: known people named correctly, and
//!    strangers accepted.
//! 4. Newcomers: the evaluation strangers with 4..9 pictures are enrolled
//!    (mean template) from their first `n` pictures in a seeded order and
//!    probed with the rest, among all enrolled people (the known and every
//!    newcomer); named correctly means the right person within the
//!    threshold chosen for the model's target rate. That threshold was
//!    chosen for the known people's gallery alone, so the evaluation
//!    strangers who are not newcomers are measured against the grown
//!    gallery too (the false-accept rate the newcomers' figure stands at),
//!    and every figure again at a threshold chosen on the calibration
//!    strangers against the grown gallery.
//!
//! The model returned carries the first decision measured, its cohort and
//! its threshold at the model's target rate.

use anyhow::{ensure, Context, Result};
use serde::Serialize;

use super::curve::{point_at, Curve, Point, Probe};
use crate::budget::{Budget, Shape};
use crate::chip::Chip;
use crate::data::rng::RandomState;
use crate::data::Dataset;
use crate::decision::{DecisionRule, ScoreChoice};
use crate::enroll::{self, TemplateMode};
use crate::model::Model;
use crate::train::{self, Spec};

/// [`Options::map_people`] asking for every calibration person with two
/// pictures or more beside the cohort, up to half of the calibration
/// people left beside it (the other half, at least, choose the threshold).
pub const ALL_MAP_PEOPLE: usize = usize::MAX;

/// The experiment's own options (the recipe is a [`Spec`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Seed of the strangers' person split and of the newcomers' photo order.
    pub seed: u32,
    /// Cohort vectors C taken from the calibration half.
    pub cohort: usize,
    /// Calibration people (two pictures or more, after the cohort) the LDA
    /// map learns from beside the known people; they choose no threshold.
    /// [`ALL_MAP_PEOPLE`]: all of them, up to half the calibration people beside the cohort.
    pub map_people: usize,
    /// Target false-accept rates reported, each in `[0, 1]`.
    pub fars: Vec<f64>,
    /// The target rate of the model's threshold and of the newcomers.
    pub far: f64,
    /// Decisions measured; the model carries the first.
    pub decisions: Vec<ScoreChoice>,
    /// Photos per newcomer.
    pub photos: Vec<usize>,
    /// Pictures a stranger must have to be a newcomer (inclusive range).
    pub newcomer_pictures: (usize, usize),
}

impl Default for Options {
    /// The device's decision (no cohort), every calibration stranger with
    /// two pictures or more teaching the map ([`ALL_MAP_PEOPLE`]), 1% and 5%
    /// false accepts, newcomers of 4..9 pictures from 1 and 3 photos.
    fn default() -> Self {
        Self {
            seed: 8,
            cohort: 0,
            map_people: ALL_MAP_PEOPLE,
            fars: vec![0.01, 0.05],
            far: 0.05,
            decisions: vec![ScoreChoice::DEVICE],
            photos: vec![1, 3],
            newcomer_pictures: (4, 9),
        }
    }
}

/// Who among the strangers does what (labels of the strangers' dataset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrangerSplit {
    /// Calibration people that choose the thresholds.
    pub calibration: Vec<u16>,
    /// Calibration people whose means are the cohort, in cohort order.
    pub cohort: Vec<u16>,
    /// Calibration people the LDA map learns from.
    pub map: Vec<u16>,
    /// People that measure the thresholds and become newcomers.
    pub evaluation: Vec<u16>,
}

/// Splits the people of `labels` (`classes` of them; people without a
/// picture are left out): a seeded permutation, its first half calibration
/// and the rest evaluation; the first `cohort` calibration people (in that
/// order) with at least two pictures form the cohort, and the next
/// `map_people` such people teach the map (with [`ALL_MAP_PEOPLE`], all of
/// them up to half of the calibration people beside the cohort).
pub fn split_strangers(
    labels: &[u16],
    classes: usize,
    (cohort, map_people): (usize, usize),
    seed: u32,
) -> Result<StrangerSplit> {
    let counts = counts(labels, classes);
    let present: Vec<u16> = (0..classes)
        .filter(|&c| counts[c] > 0)
        .map(|c| c as u16)
        .collect();
    ensure!(
        present.len() >= 2,
        "the strangers hold {} people; the split needs at least 2",
        present.len()
    );
    let order = RandomState::new(seed).permutation(present.len());
    let half = present.len() / 2;
    let mut calibration: Vec<u16> = order[..half].iter().map(|&i| present[i]).collect();
    let mut evaluation: Vec<u16> = order[half..].iter().map(|&i| present[i]).collect();
    let chosen: Vec<u16> = calibration
        .iter()
        .copied()
        .filter(|&p| counts[usize::from(p)] >= 2)
        .take(cohort)
        .collect();
    ensure!(
        chosen.len() == cohort,
        "the calibration half has {} people with two pictures or more, fewer than the {cohort} cohort vectors asked",
        chosen.len()
    );
    let take = if map_people == ALL_MAP_PEOPLE {
        (calibration.len() - chosen.len()) / 2
    } else {
        map_people
    };
    let map: Vec<u16> = calibration
        .iter()
        .copied()
        .filter(|&p| counts[usize::from(p)] >= 2 && !chosen.contains(&p))
        .take(take)
        .collect();
    ensure!(
        map.len() == map_people || map_people == ALL_MAP_PEOPLE,
        "the calibration half has {} people with two pictures or more beside the cohort, fewer than the {map_people} asked for the map",
        map.len()
    );
    calibration.retain(|p| !chosen.contains(p) && !map.contains(p));
    ensure!(
        !calibration.is_empty(),
        "no calibration stranger is left beside the {cohort} cohort and {map_people} map people"
    );
    calibration.sort_unstable();
    evaluation.sort_unstable();
    Ok(StrangerSplit {
        calibration,
        cohort: chosen,
        map,
        evaluation,
    })
}

fn counts(labels: &[u16], classes: usize) -> Vec<usize> {
    let mut n = vec![0usize; classes];
    for &l in labels {
        if let Some(c) = n.get_mut(usize::from(l)) {
            *c += 1;
        }
    }
    n
}

/// A threshold chosen on the calibration strangers, measured on the
/// evaluation strangers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Operating {
    /// The target false-accept rate.
    pub far_target: f64,
    /// The threshold chosen for it.
    pub threshold: f32,
    /// Calibration strangers accepted at the threshold.
    pub calibration_false_accept: f64,
    /// Evaluation strangers accepted at the threshold.
    pub false_accept: f64,
    /// Known probes named correctly within the threshold.
    pub known_named: f64,
}

/// Newcomers enrolled from `photos` photos each.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Newcomers {
    /// Photos enrolled per newcomer.
    pub photos: usize,
    /// Newcomers enrolled.
    pub people: usize,
    /// Their remaining photos, probed.
    pub probes: usize,
    /// Share of those probes named correctly within the model's threshold.
    pub named: f64,
    /// Share named correctly with no threshold.
    pub closed_set: f64,
    /// Share of the known probes still named correctly within the threshold.
    pub known_named: f64,
    /// Share of the evaluation strangers who are not newcomers (fewer
    /// pictures than a newcomer has) that the grown gallery accepts at the
    /// model's threshold: the false-accept rate the newcomers' figure is
    /// really measured at (the threshold was chosen for the known people's
    /// gallery alone); NaN (`null` in JSON) when every evaluation stranger
    /// is a newcomer.
    pub false_accept: f64,
    /// The same figures with the threshold chosen again, at the model's
    /// target rate, on the calibration strangers against the grown gallery.
    pub recalibrated: Recalibrated,
}

/// Newcomers' figures at a threshold chosen on the calibration strangers
/// against the gallery they are enrolled in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Recalibrated {
    /// The threshold chosen.
    pub threshold: f32,
    /// Newcomer probes named correctly within it.
    pub named: f64,
    /// Known probes named correctly within it.
    pub known_named: f64,
    /// Evaluation strangers (not newcomers) accepted at it.
    pub false_accept: f64,
}

/// Everything measured of one decision.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionReport {
    /// The decision (`distance`, `cohort-diff:16`, ...).
    pub decision: String,
    /// One operating point per target false-accept rate.
    pub operating: Vec<Operating>,
    /// Newcomers at the model's target rate, per photo count.
    pub newcomers: Vec<Newcomers>,
    /// The whole curve on the evaluation strangers (not in the JSON; see
    /// the CSV).
    #[serde(skip)]
    pub curve: Curve,
    /// The whole curve on the calibration strangers (likewise).
    #[serde(skip)]
    pub calibration_curve: Curve,
}

/// Everything the experiment measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Known people (SOURCE's classes).
    pub known_people: usize,
    /// Known probes (SOURCE's test split).
    pub n_known: usize,
    /// Known probes named correctly with no threshold.
    pub closed_set_accuracy: f64,
    /// Strangers of each part.
    pub calibration_people: usize,
    /// Their pictures.
    pub calibration_images: usize,
    /// Cohort vectors C (calibration people, not choosing thresholds).
    pub cohort_people: usize,
    /// Calibration people who taught the LDA map (choosing no threshold).
    pub map_people: usize,
    /// Evaluation strangers.
    pub evaluation_people: usize,
    /// Their pictures.
    pub evaluation_images: usize,
    /// The target rate of the model's threshold and of the newcomers.
    pub far: f64,
    /// One report per decision, the model's first.
    pub decisions: Vec<DecisionReport>,
    /// The training report of the known people's model.
    pub train: train::Report,
    /// Who among the strangers did what (not in the JSON: thousands of
    /// labels; the counts above are).
    #[serde(skip)]
    pub split: StrangerSplit,
    /// What the model carrying the first decision costs on the chip.
    pub budget: Budget,
}

/// Runs the experiment: known people from `ds`, strangers from `strangers`
/// (frames of the same size), and `extra` training thumbnails of the known
/// people (e.g. faces cut at located boxes; its `identities` are replaced
/// by the map people). Returns the known people's model carrying the first
/// decision and its threshold, and the report.
pub fn run(
    ds: &Dataset,
    strangers: &Dataset,
    spec: &Spec,
    opts: &Options,
    extra: train::Extra,
    provenance: std::collections::BTreeMap<String, String>,
) -> Result<(Model, Report)> {
    ensure!(
        (strangers.height, strangers.width) == (ds.height, ds.width),
        "the strangers' images are {}x{} but the known people's are {}x{}: make both with the same cut and size",
        strangers.height,
        strangers.width,
        ds.height,
        ds.width
    );
    ensure!(!opts.decisions.is_empty(), "no decision to measure");
    for &far in opts.fars.iter().chain([&opts.far]) {
        ensure!(
            (0.0..=1.0).contains(&far),
            "a target false-accept rate must be in [0, 1], got {far}"
        );
    }
    let split = split_strangers(
        &strangers.labels,
        strangers.class_names.len(),
        (opts.cohort, opts.map_people),
        opts.seed,
    )?;
    let extra = train::Extra {
        identities: (!split.map.is_empty())
            .then(|| people_of(strangers, &split.map))
            .transpose()?,
        ..extra
    };
    let (model, train_report) =
        train::train_with(ds, spec, provenance, Some(&extra)).context("training")?;
    let m = model.m();
    let test = train::test_split(&model, ds)?;
    let known_vectors = Chip::new(&model)?.vectors(&test)?;
    let all = enroll::vectors(&model, strangers).context("the strangers' vectors")?;
    let by_person = images_by_person(&strangers.labels, strangers.class_names.len());
    let gather = |people: &[u16]| -> Vec<f32> {
        people
            .iter()
            .flat_map(|&p| &by_person[usize::from(p)])
            .flat_map(|&i| all[i * m..(i + 1) * m].iter().copied())
            .collect()
    };
    let cohort: Vec<f32> = split
        .cohort
        .iter()
        .map(|&p| enroll::templates(p, &gather(&[p]), m, TemplateMode::Mean))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flat_map(|t| t.into_iter().flat_map(|t| t.vector))
        .collect();
    let cal_vectors = gather(&split.calibration);
    let eval_vectors = gather(&split.evaluation);
    let newcomers = newcomer_photos(&split.evaluation, &by_person, opts);
    let (lo, hi) = opts.newcomer_pictures;
    let others: Vec<u16> = split
        .evaluation
        .iter()
        .copied()
        .filter(|&p| !(lo..=hi).contains(&by_person[usize::from(p)].len()))
        .collect();
    let other_vectors = gather(&others);
    let mut decisions = Vec::new();
    let mut carried = None;
    for &choice in &opts.decisions {
        let candidate = with_decision(&model, choice, &cohort);
        let known = super::protocol::probes(&candidate, &known_vectors, Some(&test.labels))?;
        let cal = super::protocol::probes(&candidate, &cal_vectors, None)?;
        let eval = super::protocol::probes(&candidate, &eval_vectors, None)?;
        let calibration_curve = Curve::new(&known, &cal)?;
        let curve = Curve::new(&known, &eval)?;
        let threshold_at = |far| model_threshold(choice, calibration_curve.threshold_at(far));
        let operating = opts
            .fars
            .iter()
            .map(|&far| {
                let t = threshold_at(far);
                let e = point_at(&known, &eval, t);
                Operating {
                    far_target: far,
                    threshold: t,
                    calibration_false_accept: point_at(&known, &cal, t).false_accept,
                    false_accept: e.false_accept,
                    known_named: e.known_correct,
                }
            })
            .collect();
        let threshold = threshold_at(opts.far);
        let newcomers = opts
            .photos
            .iter()
            .map(|&n| {
                newcomer_point(
                    &candidate,
                    (choice, threshold, opts.far),
                    (&test.labels, &known_vectors),
                    (&cal_vectors, &other_vectors),
                    &newcomers,
                    (&all, n),
                )
            })
            .collect::<Result<_>>()?;
        if carried.is_none() {
            let mut carry = candidate.clone();
            carry.threshold = Some(threshold);
            carry.provenance.insert(
                "threshold".to_string(),
                format!(
                    "{threshold} on the {choice} score = false-accept rate ≤ {} on {} calibration strangers ({} images), cohort {} people, seed {}",
                    opts.far,
                    split.calibration.len(),
                    cal.len(),
                    split.cohort.len(),
                    opts.seed
                ),
            );
            carried = Some(carry);
        }
        decisions.push(DecisionReport {
            decision: choice.to_string(),
            operating,
            newcomers,
            curve,
            calibration_curve,
        });
    }
    let known_all = super::protocol::probes(&model, &known_vectors, Some(&test.labels))?;
    let model = carried.context("no decision measured")?;
    model.validate().context("the model with its decision")?;
    let budget = Shape::of(&model).budget(usize::from(model.max_sweeps), 0);
    let report = Report {
        known_people: model.class_names.len(),
        n_known: known_all.len(),
        closed_set_accuracy: known_all.iter().filter(|p| p.correct).count() as f64
            / known_all.len().max(1) as f64,
        calibration_people: split.calibration.len(),
        calibration_images: cal_vectors.len() / m,
        cohort_people: split.cohort.len(),
        map_people: split.map.len(),
        evaluation_people: split.evaluation.len(),
        evaluation_images: eval_vectors.len() / m,
        far: opts.far,
        decisions,
        train: train_report,
        budget,
        split,
    };
    Ok((model, report))
}

/// `model` comparing its threshold with `choice` (the cohort given when the
/// score uses one); no threshold yet.
fn with_decision(model: &Model, choice: ScoreChoice, cohort: &[f32]) -> Model {
    let mut m = model.clone();
    m.threshold = None;
    m.decision = (choice != ScoreChoice::DISTANCE).then(|| DecisionRule {
        score: choice,
        cohort: if choice.uses_cohort() {
            cohort.to_vec()
        } else {
            Vec::new()
        },
    });
    m
}

/// The threshold a model can carry for the curve's point `p`: finite, and
/// non-negative on the distance score.
fn model_threshold(choice: ScoreChoice, p: Point) -> f32 {
    let t = p.threshold.clamp(f32::MIN, f32::MAX);
    if choice == ScoreChoice::DISTANCE {
        t.max(0.0)
    } else {
        t
    }
}

/// The pictures of `people` (labels of `ds`), relabelled `0..people.len()`
/// in that order.
fn people_of(ds: &Dataset, people: &[u16]) -> Result<Dataset> {
    let by_person = images_by_person(&ds.labels, ds.class_names.len());
    let indices: Vec<usize> = people
        .iter()
        .flat_map(|&p| by_person[usize::from(p)].iter().copied())
        .collect();
    let mut out = ds.subset(&indices)?;
    out.labels = people
        .iter()
        .enumerate()
        .flat_map(|(i, &p)| std::iter::repeat_n(i as u16, by_person[usize::from(p)].len()))
        .collect();
    out.class_names = people
        .iter()
        .map(|&p| ds.class_names[usize::from(p)].clone())
        .collect();
    Ok(out)
}

/// Image indices of each person.
fn images_by_person(labels: &[u16], classes: usize) -> Vec<Vec<usize>> {
    let mut by = vec![Vec::new(); classes];
    for (i, &l) in labels.iter().enumerate() {
        by[usize::from(l)].push(i);
    }
    by
}

/// The newcomers among `people` (pictures within the options' range), each
/// with their picture indices in a seeded order.
fn newcomer_photos(people: &[u16], by_person: &[Vec<usize>], opts: &Options) -> Vec<Vec<usize>> {
    let (lo, hi) = opts.newcomer_pictures;
    let mut rng = RandomState::new(opts.seed);
    people
        .iter()
        .map(|&p| &by_person[usize::from(p)])
        .filter(|v| (lo..=hi).contains(&v.len()))
        .map(|v| {
            let mut v = v.clone();
            rng.shuffle(&mut v);
            v
        })
        .collect()
}

/// Enrols every newcomer with more than `n` pictures from their first `n`
/// into `model`, probes with the rest and with the known test split at the
/// model's `threshold` (on the `choice` score); measures the strangers
/// `others` (vectors of evaluation strangers who are not newcomers) against
/// the grown gallery at it, and again at the threshold chosen for `far` on
/// the calibration strangers (`cal`) against the grown gallery.
fn newcomer_point(
    model: &Model,
    (choice, threshold, far): (ScoreChoice, f32, f64),
    known: (&[u16], &[f32]),
    (cal, others): (&[f32], &[f32]),
    newcomers: &[Vec<usize>],
    (all, n): (&[f32], usize),
) -> Result<Newcomers> {
    ensure!(n > 0, "newcomers need at least one photo");
    let m = model.m();
    let mut grown = model.clone();
    let mut labels = Vec::new();
    let mut vectors = Vec::new();
    for photos in newcomers.iter().filter(|p| p.len() > n) {
        let label = u16::try_from(grown.class_names.len()).context("too many newcomers")?;
        let enrol: Vec<f32> = photos[..n]
            .iter()
            .flat_map(|&i| all[i * m..(i + 1) * m].iter().copied())
            .collect();
        grown
            .templates
            .extend(enroll::templates(label, &enrol, m, TemplateMode::Mean)?);
        grown.class_names.push(format!("newcomer {label}"));
        for &i in &photos[n..] {
            labels.push(label);
            vectors.extend_from_slice(&all[i * m..(i + 1) * m]);
        }
    }
    let people = grown.class_names.len() - model.class_names.len();
    if people == 0 {
        return Ok(Newcomers {
            photos: n,
            people,
            probes: 0,
            named: f64::NAN,
            closed_set: f64::NAN,
            known_named: f64::NAN,
            false_accept: f64::NAN,
            recalibrated: Recalibrated {
                threshold,
                named: f64::NAN,
                known_named: f64::NAN,
                false_accept: f64::NAN,
            },
        });
    }
    let probes = super::protocol::probes(&grown, &vectors, Some(&labels))?;
    let known_probes = super::protocol::probes(&grown, known.1, Some(known.0))?;
    let cal_probes = super::protocol::probes(&grown, cal, None)?;
    let other_probes = super::protocol::probes(&grown, others, None)?;
    let named = |p: &[Probe], t: f32| point_at(p, &[], t).known_correct;
    let accepted = |t: f32| {
        if other_probes.is_empty() {
            f64::NAN
        } else {
            point_at(&[], &other_probes, t).false_accept
        }
    };
    let again = model_threshold(choice, Curve::new(&probes, &cal_probes)?.threshold_at(far));
    Ok(Newcomers {
        photos: n,
        people,
        probes: probes.len(),
        named: named(&probes, threshold),
        closed_set: probes.iter().filter(|p| p.correct).count() as f64 / probes.len() as f64,
        known_named: named(&known_probes, threshold),
        false_accept: accepted(threshold),
        recalibrated: Recalibrated {
            threshold: again,
            named: named(&probes, again),
            known_named: named(&known_probes, again),
            false_accept: accepted(again),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stranger_split_is_by_person_and_seeded() {
        // 40 people, person p has 1 + p % 3 pictures.
        let labels: Vec<u16> = (0..40u16)
            .flat_map(|p| std::iter::repeat_n(p, 1 + usize::from(p) % 3))
            .collect();
        let s = split_strangers(&labels, 41, (5, 0), 3).unwrap();
        assert_eq!(s.cohort.len(), 5);
        assert_eq!(
            s.calibration.len() + s.cohort.len() + s.evaluation.len(),
            40
        );
        assert_eq!(s.evaluation.len(), 20);
        assert!(
            s.cohort.iter().all(|&p| p % 3 != 0),
            "cohort people have 2+ pictures"
        );
        let mut all: Vec<u16> = [&s.calibration[..], &s.cohort, &s.evaluation].concat();
        all.sort_unstable();
        assert_eq!(
            all,
            (0..40).collect::<Vec<u16>>(),
            "person 40 has no picture"
        );
        assert_ne!(
            split_strangers(&labels, 41, (5, 0), 4).unwrap(),
            s,
            "the seed matters"
        );
        assert!(
            split_strangers(&labels, 41, (20, 0), 3).is_err(),
            "too few for the cohort"
        );
    }

    #[test]
    fn map_people_are_calibration_people_apart_from_the_rest() {
        let labels: Vec<u16> = (0..40u16)
            .flat_map(|p| std::iter::repeat_n(p, 1 + usize::from(p) % 3))
            .collect();
        let plain = split_strangers(&labels, 41, (5, 0), 3).unwrap();
        let s = split_strangers(&labels, 41, (5, 4), 3).unwrap();
        assert_eq!(s.map.len(), 4);
        assert_eq!(
            (&s.cohort, &s.evaluation),
            (&plain.cohort, &plain.evaluation)
        );
        assert!(
            s.map.iter().all(|&p| p % 3 != 0),
            "map people have 2+ pictures"
        );
        assert!(s.map.iter().all(|p| plain.calibration.contains(p)));
        assert!(
            s.map.iter().all(|p| !s.calibration.contains(p)),
            "they choose no threshold"
        );
        assert_eq!(s.calibration.len() + 4, plain.calibration.len());
        assert!(
            split_strangers(&labels, 41, (5, 40), 3).is_err(),
            "too few for the map"
        );
        let all = split_strangers(&labels, 41, (5, ALL_MAP_PEOPLE), 3).unwrap();
        let beside_cohort = plain.calibration.len();
        assert_eq!(
            all.map.len(),
            beside_cohort / 2,
            "people with 2+ pictures teach the map, up to half"
        );
        assert!(all.map.iter().all(|&p| p % 3 != 0));
        // Everyone with 2+ pictures: half the calibration people beside the
        // cohort teach the map, the other half choose the threshold.
        let many: Vec<u16> = (0..40u16).flat_map(|p| [p, p]).collect();
        let half = split_strangers(&many, 40, (4, ALL_MAP_PEOPLE), 3).unwrap();
        assert_eq!((half.cohort.len(), half.map.len()), (4, 8));
        assert_eq!(half.calibration.len(), 8);
    }

    #[test]
    fn people_of_relabels_in_the_order_given() {
        let ds = Dataset {
            images: (0..6).map(|i| i as f32).collect(),
            labels: vec![0, 1, 2, 1, 0, 2],
            class_names: vec!["a".into(), "b".into(), "c".into()],
            height: 1,
            width: 1,
            source: String::new(),
        };
        let out = people_of(&ds, &[2, 0]).unwrap();
        assert_eq!(out.labels, vec![0, 0, 1, 1]);
        assert_eq!(out.images, vec![2.0, 5.0, 0.0, 4.0]);
        assert_eq!(out.class_names, vec!["c".to_string(), "a".to_string()]);
    }
}
