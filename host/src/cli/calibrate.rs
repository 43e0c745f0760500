//! The strangers options `facenmf train` and `facenmf openset` share: where
//! the strangers are, which decision the model carries, its cohort and its
//! target false-accept rate.

use std::path::PathBuf;

use crate::decision::ScoreChoice;
use crate::openset::strangers;

/// Options of the open-set decision.
#[derive(Debug, Clone, clap::Args)]
pub struct CalibrateArgs {
    /// Strangers from a second dataset (any SOURCE, loaded with SOURCE's
    /// cut and size options; its images must be SOURCE's size), split by
    /// person into a calibration half (the threshold, the cohort) and an
    /// evaluation half (the figures).
    #[arg(long, value_name = "DIR")]
    pub strangers: Option<PathBuf>,
    /// With --strangers: the decision the model carries (`distance` or
    /// IMPOSTORS-FORM[:K], e.g. cohort-diff:8); `openset` measures every
    /// one given (comma separated) and the model carries the first.
    #[arg(
        long,
        value_name = "DECISION,...",
        value_delimiter = ',',
        default_values_t = [ScoreChoice::DEVICE]
    )]
    pub decision: Vec<ScoreChoice>,
    /// With --strangers: cohort vectors (mean vectors of calibration
    /// strangers). Default: 256 when a decision uses a cohort, else none.
    #[arg(long, value_name = "C")]
    pub cohort: Option<usize>,
    /// With --strangers: calibration strangers (two pictures or more, not
    /// in the cohort) the LDA map learns from beside the known people, so
    /// it tells apart more faces than the known ones (newcomers enrolled
    /// later are such faces); they choose no threshold. `all`: every such
    /// person.
    #[arg(long, value_name = "N|all", value_parser = map_people, default_value = "all")]
    pub map_people: usize,
    /// Target false-accept rate of strangers (the model's threshold).
    #[arg(long, default_value_t = 0.05)]
    pub far: f64,
}

/// Cohort vectors when a decision uses a cohort and `--cohort` is not given.
pub const DEFAULT_COHORT: usize = 256;

impl CalibrateArgs {
    /// The cohort vectors: `--cohort`, else [`DEFAULT_COHORT`] when a
    /// decision uses a cohort, else none (the calibration people it would
    /// take choose the threshold or teach the map instead).
    pub fn cohort(&self) -> usize {
        self.cohort
            .unwrap_or(if self.decision.iter().any(|d| d.uses_cohort()) {
                DEFAULT_COHORT
            } else {
                0
            })
    }

    /// Whether `--decision` is left at its default (then it needs no
    /// `--strangers`).
    pub fn decision_is_default(&self) -> bool {
        self.decision == [ScoreChoice::DEVICE]
    }
}

/// `--map-people`: a count, or `all` ([`strangers::ALL_MAP_PEOPLE`]).
fn map_people(text: &str) -> Result<usize, String> {
    if text == "all" {
        return Ok(strangers::ALL_MAP_PEOPLE);
    }
    text.parse()
        .map_err(|e| format!("{e}: give a number of people or `all`"))
}
