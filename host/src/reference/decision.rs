//! The open-set score of `facenmf-core`'s [`facenmf_core::decision`] by the
//! obvious f64 expression: every distance, the winner by
//! [`super::knn::vote_of`], the runner-up as the smallest distance of
//! another label, the impostor distances sorted and the `k` smallest
//! averaged.

use facenmf_core::decision::{Form, Impostors};

use super::knn::{distance, vote_of, Metric};

/// The score's parts in f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The winner.
    pub label: u16,
    /// Its nearest template's distance `d`.
    pub distance: f64,
    /// The mean `μ` of the impostor distances kept (`None`: none).
    pub mean: Option<f64>,
    /// Their standard deviation `σ`.
    pub sd: f64,
    /// The score.
    pub score: f64,
}

/// The winner of the `vote_k` nearest `templates` and its score set
/// against the `k` nearest `impostors` (`cohort` vectors and/or the
/// runner-up) by `form`; `None` for an empty gallery.
#[allow(clippy::too_many_arguments)]
pub fn score(
    templates: &[(u16, Vec<f32>)],
    cohort: &[Vec<f32>],
    query: &[f32],
    vote_k: usize,
    metric: Metric,
    impostors: Impostors,
    form: Form,
    k: usize,
) -> Option<Scored> {
    let distances: Vec<(f64, u16)> = templates
        .iter()
        .map(|(l, v)| (distance(metric, query, v), *l))
        .collect();
    let (label, d, _) = vote_of(&distances, vote_k)?;
    let mut others: Vec<f64> = Vec::new();
    if impostors != Impostors::Cohort {
        let runner_up = distances
            .iter()
            .filter(|(_, l)| *l != label)
            .map(|(d, _)| *d)
            .min_by(f64::total_cmp);
        others.extend(runner_up);
    }
    if impostors != Impostors::RunnerUp {
        others.extend(cohort.iter().map(|c| distance(metric, query, c)));
    }
    others.sort_by(f64::total_cmp);
    others.truncate(k);
    if others.is_empty() {
        return Some(Scored {
            label,
            distance: d,
            mean: None,
            sd: 0.0,
            score: d,
        });
    }
    let n = others.len() as f64;
    let mean = others.iter().sum::<f64>() / n;
    let sd = (others.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt();
    let over = |den: f64, num: f64| {
        if den > 0.0 {
            num / den
        } else if d > mean {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        }
    };
    let score = match form {
        Form::Difference => d - mean,
        Form::Ratio => over(mean, d),
        Form::Z => over(sd, d - mean),
    };
    Some(Scored {
        label,
        distance: d,
        mean: Some(mean),
        sd,
        score,
    })
}
