//! k-nearest-neighbour vote by brute force in f64: every distance, one sort.

/// The metrics of `facenmf-core`'s gallery, in f64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// `Σ (a_i − b_i)²`.
    SquaredL2,
    /// `1 − a·b / (‖a‖ ‖b‖)`, 1 when either is zero.
    Cosine,
}

/// Distance between `a` and `b` in f64.
pub fn distance(metric: Metric, a: &[f32], b: &[f32]) -> f64 {
    let a: Vec<f64> = a.iter().map(|&v| f64::from(v)).collect();
    let b: Vec<f64> = b.iter().map(|&v| f64::from(v)).collect();
    match metric {
        Metric::SquaredL2 => a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum(),
        Metric::Cosine => {
            let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let n = a.iter().map(|x| x * x).sum::<f64>().sqrt()
                * b.iter().map(|x| x * x).sum::<f64>().sqrt();
            if n > 0.0 {
                1.0 - dot / n
            } else {
                1.0
            }
        }
    }
}

/// The vote of the `k` nearest templates by the rule `facenmf-core`
/// documents: rank by (distance, gallery position); most votes win; a tie
/// goes to the label whose nearest template ranks first.
///
/// Returns `(label, distance of the winner's nearest template, votes)`, or
/// `None` for an empty gallery or `k = 0`.
pub fn vote_of(distances: &[(f64, u16)], k: usize) -> Option<(u16, f64, usize)> {
    let mut ranked: Vec<(usize, f64, u16)> = distances
        .iter()
        .enumerate()
        .map(|(i, &(d, l))| (i, d, l))
        .collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    ranked.truncate(k);
    let mut best: Option<(u16, f64, usize, usize)> = None; // label, distance, votes, rank
    for (rank, &(_, d, label)) in ranked.iter().enumerate() {
        let votes = ranked.iter().filter(|r| r.2 == label).count();
        let first = ranked.iter().position(|r| r.2 == label).unwrap_or(rank);
        let better = match best {
            None => true,
            Some((_, _, v, f)) => votes > v || (votes == v && first < f),
        };
        if better {
            best = Some((label, d, votes, first));
        }
    }
    best.map(|(l, d, v, _)| (l, d, v))
}

/// [`vote_of`] over `templates` for `query`.
pub fn classify(
    templates: &[(u16, Vec<f32>)],
    query: &[f32],
    k: usize,
    metric: Metric,
) -> Option<(u16, f64, usize)> {
    let distances: Vec<(f64, u16)> = templates
        .iter()
        .map(|(l, v)| (distance(metric, query, v), *l))
        .collect();
    vote_of(&distances, k)
}
