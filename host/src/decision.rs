//! The open-set decision a model carries: which score the "unknown"
//! threshold is compared with, and the cohort vectors it needs (the
//! kernel's [`facenmf_core::decision`]).
//!
//! A model without one compares the threshold with the winner's distance.
//! On the command line a decision is written `distance` or
//! `IMPOSTORS-FORM[:K]`: IMPOSTORS is `runner-up`, `cohort`, `both` or
//! `symmetric` (the cohort seen from the query and from the winner's
//! template),
//! FORM `diff`, `ratio` or `z`, K the nearest impostor distances averaged
//! (1 for the runner-up alone, the default).

use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, bail, Result};
use facenmf_core::decision::{Form, Impostors, Rule, Score};
use serde::{Deserialize, Serialize};

/// Which score, as the command line and the JSON name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreChoice(pub Score);

impl ScoreChoice {
    /// The winner's distance.
    pub const DISTANCE: Self = Self(Score::Distance);

    /// The device's decision, what a model calibrated on strangers carries
    /// unless told otherwise: the winner's distance over the runner-up's
    /// (`runner-up-ratio:1`). Of the decisions that add no flash it names
    /// the most known people at 5% false accepts on the default device
    /// model; a cohort of 256 vectors does better but adds 62 KB, beyond the
    /// 512 KB budget (docs/device-recipe.md).
    pub const DEVICE: Self = Self(Score::Normalised {
        impostors: Impostors::RunnerUp,
        form: Form::Ratio,
        k: 1,
    });

    /// Whether the score needs cohort vectors.
    pub fn uses_cohort(self) -> bool {
        self.0.uses_cohort()
    }
}

impl fmt::Display for ScoreChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Score::Normalised { impostors, form, k } = self.0 else {
            return f.write_str("distance");
        };
        let who = match impostors {
            Impostors::RunnerUp => "runner-up",
            Impostors::Cohort => "cohort",
            Impostors::Both => "both",
            Impostors::Symmetric => "symmetric",
        };
        let how = match form {
            Form::Difference => "diff",
            Form::Ratio => "ratio",
            Form::Z => "z",
        };
        write!(f, "{who}-{how}:{k}")
    }
}

impl FromStr for ScoreChoice {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        if s == "distance" {
            return Ok(Self::DISTANCE);
        }
        let (name, k) = match s.split_once(':') {
            Some((name, k)) => (
                name,
                k.parse::<usize>()
                    .map_err(|_| anyhow!("decision {s:?}: K {k:?} is not a whole number"))?,
            ),
            None => (s, 1),
        };
        let (who, how) = name.rsplit_once('-').ok_or_else(|| {
            anyhow!("decision {s:?}: expected distance or IMPOSTORS-FORM[:K], e.g. cohort-diff:16")
        })?;
        let impostors = match who {
            "runner-up" => Impostors::RunnerUp,
            "cohort" => Impostors::Cohort,
            "both" => Impostors::Both,
            "symmetric" => Impostors::Symmetric,
            _ => bail!(
                "decision {s:?}: impostors {who:?} are not runner-up, cohort, both or symmetric"
            ),
        };
        let form = match how {
            "diff" => Form::Difference,
            "ratio" => Form::Ratio,
            "z" => Form::Z,
            _ => bail!("decision {s:?}: form {how:?} is not diff, ratio or z"),
        };
        Ok(Self(Score::Normalised { impostors, form, k }))
    }
}

impl Serialize for ScoreChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ScoreChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The decision in a model: the score and its cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// What the threshold is compared with.
    pub score: ScoreChoice,
    /// Cohort vectors, `C × M` row-major (empty unless the score uses them).
    pub cohort: Vec<f32>,
}

impl DecisionRule {
    /// The kernel's rule over vectors of `m` values, checked.
    pub fn rule(&self, m: usize) -> Result<Rule<'_>> {
        Rule::new_checked(self.score.0, &self.cohort, m)
            .map_err(|e| anyhow!("decision {}: {e}", self.score))
    }

    /// Cohort vectors C of vectors of `m` values.
    pub fn cohort_len(&self, m: usize) -> usize {
        self.cohort.len().checked_div(m).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in [
            "distance",
            "runner-up-ratio:1",
            "cohort-diff:16",
            "cohort-z:64",
            "both-ratio:4",
            "symmetric-diff:8",
        ] {
            assert_eq!(s.parse::<ScoreChoice>().unwrap().to_string(), s);
        }
        assert_eq!(
            "runner-up-diff".parse::<ScoreChoice>().unwrap().to_string(),
            "runner-up-diff:1"
        );
        for bad in [
            "",
            "cohort",
            "cohort-mean:3",
            "others-diff",
            "cohort-diff:x",
        ] {
            assert!(bad.parse::<ScoreChoice>().is_err(), "{bad}");
        }
    }
}
