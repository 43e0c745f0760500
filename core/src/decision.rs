//! The open-set decision: the score of a query that is compared with the
//! "unknown" threshold.
//!
//! The vote of [`crate::gallery`] names a winner at distance `d`. With
//! [`Score::Distance`] the threshold applies to `d` itself. A normalised
//! score sets `d` against the distances of *impostors*, faces that are
//! somebody else, so that a query close to everybody (a bland face, a
//! flat light) needs to be closer still to its winner:
//!
//! - [`Impostors::RunnerUp`]: the nearest template of another person than
//!   the winner;
//! - [`Impostors::Cohort`]: the `C` cohort vectors (in flash; e.g. mean
//!   vectors of strangers nobody enrolled);
//! - [`Impostors::Both`]: the runner-up and the cohort together;
//! - [`Impostors::Symmetric`]: the cohort, seen from the query and from the
//!   winner's nearest template: the score is the mean of the two sides'
//!   scores (S-norm), `NaN` (unknown) in the degenerate case of two
//!   infinite sides of opposite signs.
//!
//! Of those impostor distances the `k` smallest are kept, sorted, and their
//! mean `μ` (summed in ascending order, then divided by `k`) and standard
//! deviation `σ = sqrt(Σ (x − μ)² / k)` give the score by [`Form`]:
//! `d − μ`, `d / μ` or `(d − μ) / σ`. Degenerate cases: with fewer than `k`
//! impostors (a gallery of one person and no cohort) the mean and
//! deviation are over those there are; with none the score is `d`; a ratio
//! over `μ ≤ 0` and a z-score over `σ ≤ 0` are `+∞` (unknown) when
//! `d > μ` and `−∞` otherwise.
//!
//! A [`Rule`] holds the score and the cohort, validated once by
//! [`Rule::new_checked`]; the vote then cannot fail on it. Cost: `C · M`
//! multiply-adds (cosine: `2 · C · M` and `C` square roots) a query, twice
//! for [`Impostors::Symmetric`], plus the sorted insertions of the `k`
//! nearest.

use crate::error::ModelError;
use crate::gallery::Metric;
use crate::validate;

/// Most impostor distances a score may average (`k`).
pub const MAX_IMPOSTORS: usize = 64;

/// Which distances stand for "somebody else".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Impostors {
    /// The nearest template of another person than the winner.
    RunnerUp,
    /// The cohort vectors.
    Cohort,
    /// The runner-up and the cohort vectors.
    Both,
    /// The cohort vectors, from the query and from the winner's template.
    Symmetric,
}

/// How the winner's distance `d` is set against the impostors' `μ` and `σ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Form {
    /// `d − μ`.
    Difference,
    /// `d / μ`.
    Ratio,
    /// `(d − μ) / σ`.
    Z,
}

/// What the "unknown" threshold is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Score {
    /// The winner's distance.
    Distance,
    /// The winner's distance set against the `k` nearest impostors.
    Normalised {
        /// Which impostors.
        impostors: Impostors,
        /// How.
        form: Form,
        /// How many of the nearest impostor distances, `1..=MAX_IMPOSTORS`.
        k: usize,
    },
}

impl Score {
    /// Whether the score needs the runner-up's distance.
    pub const fn uses_runner_up(&self) -> bool {
        matches!(
            self,
            Self::Normalised {
                impostors: Impostors::RunnerUp | Impostors::Both,
                ..
            }
        )
    }

    /// Whether the score needs cohort vectors.
    pub const fn uses_cohort(&self) -> bool {
        matches!(
            self,
            Self::Normalised {
                impostors: Impostors::Cohort | Impostors::Both | Impostors::Symmetric,
                ..
            }
        )
    }
}

/// A score and the cohort it compares with, checked to fit together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule<'a> {
    score: Score,
    /// `C × M` values, row-major; empty unless the score uses a cohort.
    cohort: &'a [f32],
    m: usize,
}

impl Rule<'static> {
    /// The winner's distance, no cohort: the plain threshold.
    pub const DISTANCE: Self = Self {
        score: Score::Distance,
        cohort: &[],
        m: 0,
    };
}

impl<'a> Rule<'a> {
    /// Checks `cohort` (`C × m` finite values, row-major) against `score`:
    /// `k` in `1..=MAX_IMPOSTORS`; a cohort when the score uses one, of at
    /// least `k` vectors ([`Impostors::Both`]: `k − 1`), and none when it
    /// does not; `k = 1` for [`Impostors::RunnerUp`]; `k ≥ 2` for [`Form::Z`].
    pub fn new_checked(score: Score, cohort: &'a [f32], m: usize) -> Result<Self, ModelError> {
        let Score::Normalised { impostors, form, k } = score else {
            validate::matrix(
                "cohort (the distance score takes none)",
                cohort,
                0,
                1,
                false,
            )?;
            return Ok(Self { score, cohort, m });
        };
        validate::dimension("impostors averaged (k)", k, MAX_IMPOSTORS)?;
        validate::dimension("template length M", m, usize::MAX)?;
        if form == Form::Z {
            validate::dimension("impostors of a z-score (k - 1)", k - 1, MAX_IMPOSTORS)?;
        }
        let c = cohort.len() / m;
        match impostors {
            Impostors::RunnerUp => {
                validate::dimension("runner-up impostors (k)", k, 1)?;
                validate::matrix("cohort (the runner-up takes none)", cohort, 0, m, false)?;
            }
            Impostors::Cohort | Impostors::Symmetric => {
                validate::dimension("cohort vectors (at least k)", k, c)?;
                validate::matrix("cohort", cohort, c * m, m, false)?;
            }
            Impostors::Both => {
                validate::dimension("cohort vectors plus runner-up (at least k)", k, c + 1)?;
                validate::matrix("cohort", cohort, c * m, m, false)?;
            }
        }
        Ok(Self { score, cohort, m })
    }

    /// The score.
    pub const fn score(&self) -> Score {
        self.score
    }

    /// Cohort vectors C.
    pub const fn cohort_len(&self) -> usize {
        match self.cohort.len().checked_div(self.m) {
            Some(c) => c,
            None => 0,
        }
    }

    /// The score of a winner at `distance` (see the module docs): `query`
    /// is the compared vector (finite, with `query_norm` its L2 norm for
    /// the cosine metric), `runner_up` the distance of the nearest
    /// template of another person, if any, and `winner` the winner's
    /// nearest template (finite, as long as `query`).
    pub fn apply(
        &self,
        distance: f32,
        runner_up: Option<f32>,
        query: (&[f32], f32),
        winner: &[f32],
        metric: Metric,
    ) -> f32 {
        let Score::Normalised { impostors, .. } = self.score else {
            return distance;
        };
        let (query, query_norm) = query;
        let runner_up = match impostors {
            Impostors::RunnerUp | Impostors::Both => runner_up,
            Impostors::Cohort | Impostors::Symmetric => None,
        };
        let cohort = impostors != Impostors::RunnerUp;
        let score = self.side(distance, runner_up, (query, query_norm), cohort, metric);
        if impostors != Impostors::Symmetric {
            return score;
        }
        let winner_norm = match metric {
            Metric::Cosine => crate::math::norm(winner),
            Metric::SquaredL2 => 0.0,
        };
        let other = self.side(distance, None, (winner, winner_norm), true, metric);
        0.5 * (score + other)
    }

    /// The score of `distance` against the `k` smallest of `runner_up` and
    /// (when `cohort`) the distances of `from` (with its norm) to the
    /// cohort vectors.
    fn side(
        &self,
        distance: f32,
        runner_up: Option<f32>,
        (from, from_norm): (&[f32], f32),
        cohort: bool,
        metric: Metric,
    ) -> f32 {
        let Score::Normalised { form, k, .. } = self.score else {
            return distance;
        };
        let mut nearest = Smallest::new(k);
        if let Some(r) = runner_up {
            nearest.offer(r);
        }
        if cohort {
            for v in self.cohort.chunks_exact(self.m) {
                nearest.offer(metric.distance_with_norm(from, from_norm, v));
            }
        }
        let kept = nearest.values();
        if kept.is_empty() {
            return distance;
        }
        let n = kept.len() as f32;
        let mut sum = 0.0f32;
        for x in kept {
            sum += x;
        }
        let mean = sum / n;
        let over = |den: f32, num: f32| {
            if den > 0.0 {
                num / den
            } else if distance > mean {
                f32::INFINITY
            } else {
                f32::NEG_INFINITY
            }
        };
        match form {
            Form::Difference => distance - mean,
            Form::Ratio => over(mean, distance),
            Form::Z => {
                let mut ss = 0.0f32;
                for x in kept {
                    let e = x - mean;
                    ss += e * e;
                }
                over(crate::math::sqrt(ss / n), distance - mean)
            }
        }
    }
}

/// The `k` smallest values offered, in ascending order (equal values keep
/// the order they came in).
struct Smallest {
    items: [f32; MAX_IMPOSTORS],
    len: usize,
    k: usize,
}

impl Smallest {
    fn new(k: usize) -> Self {
        Self {
            items: [0.0; MAX_IMPOSTORS],
            len: 0,
            k: k.clamp(1, MAX_IMPOSTORS),
        }
    }

    fn offer(&mut self, x: f32) {
        if self.len == self.k && x >= self.items[self.len - 1] {
            return;
        }
        let mut at = self.len.min(self.k - 1);
        while at > 0 && self.items[at - 1] > x {
            self.items[at] = self.items[at - 1];
            at -= 1;
        }
        self.items[at] = x;
        self.len = (self.len + 1).min(self.k);
    }

    fn values(&self) -> &[f32] {
        &self.items[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalised(impostors: Impostors, form: Form, k: usize) -> Score {
        Score::Normalised { impostors, form, k }
    }

    #[test]
    fn smallest_keeps_the_k_smallest_in_order() {
        let mut s = Smallest::new(3);
        for x in [5.0, 1.0, 4.0, 0.5, 3.0, 2.0] {
            s.offer(x);
        }
        assert_eq!(s.values(), &[0.5, 1.0, 2.0]);
    }

    #[test]
    fn distance_score_is_the_distance() {
        let r = Rule::DISTANCE;
        assert_eq!(
            r.apply(0.25, Some(0.5), (&[1.0], 1.0), &[1.0], Metric::Cosine),
            0.25
        );
    }

    #[test]
    fn new_checked_refuses_misfits() {
        let cohort = [1.0f32, 0.0, 0.0, 1.0];
        let ok = |s, c: &[f32]| Rule::new_checked(s, c, 2).is_ok();
        assert!(ok(Score::Distance, &[]));
        assert!(!ok(Score::Distance, &cohort));
        assert!(ok(normalised(Impostors::RunnerUp, Form::Ratio, 1), &[]));
        assert!(!ok(normalised(Impostors::RunnerUp, Form::Ratio, 2), &[]));
        assert!(!ok(
            normalised(Impostors::RunnerUp, Form::Ratio, 1),
            &cohort
        ));
        assert!(ok(
            normalised(Impostors::Cohort, Form::Difference, 2),
            &cohort
        ));
        assert!(!ok(
            normalised(Impostors::Cohort, Form::Difference, 3),
            &cohort
        ));
        assert!(ok(
            normalised(Impostors::Both, Form::Difference, 3),
            &cohort
        ));
        assert!(!ok(normalised(Impostors::Cohort, Form::Z, 1), &cohort));
        assert!(!ok(normalised(Impostors::Cohort, Form::Ratio, 0), &cohort));
        assert!(!ok(
            normalised(Impostors::Cohort, Form::Ratio, 1),
            &cohort[..3]
        ));
        assert!(!ok(
            normalised(Impostors::Cohort, Form::Ratio, 1),
            &[f32::NAN, 0.0]
        ));
    }

    #[test]
    fn cohort_scores_by_form() {
        // Query (1, 0); cohort at squared distances 1, 4, 9.
        let cohort = [2.0f32, 0.0, 3.0, 0.0, 4.0, 0.0];
        let q = [1.0f32, 0.0];
        let score = |form, k| {
            Rule::new_checked(normalised(Impostors::Cohort, form, k), &cohort, 2)
                .unwrap()
                .apply(0.5, None, (&q, 1.0), &q, Metric::SquaredL2)
        };
        assert_eq!(score(Form::Difference, 2), 0.5 - 2.5);
        assert_eq!(score(Form::Ratio, 3), 0.5 / (14.0 / 3.0));
        // The kernel's square root (libm's, or micromath's approximation
        // with the `micromath` feature).
        let sd =
            crate::math::sqrt(((1.0f32 - 2.5) * (1.0 - 2.5) + (4.0 - 2.5) * (4.0 - 2.5)) / 2.0);
        assert_eq!(score(Form::Z, 2), (0.5 - 2.5) / sd);
    }

    #[test]
    fn both_adds_the_runner_up_and_degenerate_cases_are_defined() {
        let cohort = [3.0f32];
        let r = Rule::new_checked(normalised(Impostors::Both, Form::Difference, 2), &cohort, 1)
            .unwrap();
        // Cohort distance (1 − 3)² = 4, runner-up 2: mean 3.
        assert_eq!(
            r.apply(1.0, Some(2.0), (&[1.0], 1.0), &[1.0], Metric::SquaredL2),
            -2.0
        );
        // No runner-up: the cohort alone.
        assert_eq!(
            r.apply(1.0, None, (&[1.0], 1.0), &[1.0], Metric::SquaredL2),
            -3.0
        );
        let ratio =
            Rule::new_checked(normalised(Impostors::RunnerUp, Form::Ratio, 1), &[], 1).unwrap();
        assert_eq!(
            ratio.apply(1.0, None, (&[1.0], 1.0), &[1.0], Metric::SquaredL2),
            1.0
        );
        assert_eq!(
            ratio.apply(1.0, Some(0.0), (&[1.0], 1.0), &[1.0], Metric::SquaredL2),
            f32::INFINITY
        );
        assert_eq!(
            ratio.apply(0.0, Some(0.0), (&[1.0], 1.0), &[1.0], Metric::SquaredL2),
            f32::NEG_INFINITY
        );
    }
}
