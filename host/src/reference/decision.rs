//! The open-set score of `facenmf-core`'s [`facenmf_core::decision`] by the
//! obvious f64 expression: every distance, the winner by
//! [`super::knn::vote_of`], the runner-up as the smallest distance of
//! another label, the impostor distances sorted and the `k` smallest
//! averaged; for [`Impostors::Symmetric`] the same from the winner's nearest
//! template (the first of its label at the winner's distance), and the mean
//! of the two sides.

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
    let query_side = side(
        templates, cohort, query, label, d, metric, impostors, form, k,
    );
    if impostors != Impostors::Symmetric {
        return Some(query_side);
    }
    let winner = templates
        .iter()
        .zip(&distances)
        .find(|((l, _), (dist, _))| *l == label && *dist == d)
        .map(|((_, v), _)| v.as_slice())?;
    let template_side = side(
        templates,
        cohort,
        winner,
        label,
        d,
        metric,
        Impostors::Cohort,
        form,
        k,
    );
    Some(Scored {
        score: 0.5 * (query_side.score + template_side.score),
        ..query_side
    })
}

/// One side's score: `d` against the `k` smallest impostor distances of
/// `from` (the query, or the winner's template).
#[allow(clippy::too_many_arguments)]
fn side(
    templates: &[(u16, Vec<f32>)],
    cohort: &[Vec<f32>],
    from: &[f32],
    label: u16,
    d: f64,
    metric: Metric,
    impostors: Impostors,
    form: Form,
    k: usize,
) -> Scored {
    let distances: Vec<(f64, u16)> = templates
        .iter()
        .map(|(l, v)| (distance(metric, from, v), *l))
        .collect();
    let mut others: Vec<f64> = Vec::new();
    if matches!(impostors, Impostors::RunnerUp | Impostors::Both) {
        let runner_up = distances
            .iter()
            .filter(|(_, l)| *l != label)
            .map(|(d, _)| *d)
            .min_by(f64::total_cmp);
        others.extend(runner_up);
    }
    if impostors != Impostors::RunnerUp {
        others.extend(cohort.iter().map(|c| distance(metric, from, c)));
    }
    others.sort_by(f64::total_cmp);
    others.truncate(k);
    if others.is_empty() {
        return Scored {
            label,
            distance: d,
            mean: None,
            sd: 0.0,
            score: d,
        };
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
    Scored {
        label,
        distance: d,
        mean: Some(mean),
        sd,
        score,
    }
}
