//! k-nearest-neighbour and nearest-class-mean classification, distances by GEMM.

use crate::nmf::linalg::gemm;
use rayon::prelude::*;

/// Distance between codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Squared Euclidean distance.
    #[default]
    SquaredL2,
    /// One minus the cosine similarity.
    Cosine,
}

/// Rows of `x` (`n×m`) scaled to unit L2 norm (zero rows stay zero).
pub fn l2_normalise(x: &mut [f32], m: usize) {
    x.par_chunks_mut(m).for_each(|r| {
        let n = r.iter().map(|v| v * v).sum::<f32>().sqrt();
        if n > 0.0 {
            r.iter_mut().for_each(|v| *v /= n);
        }
    });
}

/// `test (q×m)` against `refs (r×m)`: the distance matrix `q×r`.
pub fn distances(test: &[f32], refs: &[f32], m: usize, metric: Metric) -> Vec<f32> {
    let (q, r) = (test.len() / m, refs.len() / m);
    let (mut t, mut g) = (test.to_vec(), refs.to_vec());
    if metric == Metric::Cosine {
        l2_normalise(&mut t, m);
        l2_normalise(&mut g, m);
    }
    let mut dots = vec![0.0f32; q * r];
    gemm(&mut dots, &t, (q, m), false, &g, (r, m), true, false);
    let gn: Vec<f32> = g.chunks(m).map(|v| v.iter().map(|a| a * a).sum()).collect();
    dots.par_chunks_mut(r)
        .zip(t.par_chunks(m))
        .for_each(|(row, tv)| {
            let tn: f32 = tv.iter().map(|a| a * a).sum();
            for (dv, &gnj) in row.iter_mut().zip(&gn) {
                *dv = match metric {
                    Metric::SquaredL2 => (tn + gnj - 2.0 * *dv).max(0.0),
                    Metric::Cosine => 1.0 - *dv,
                };
            }
        });
    dots
}

/// k-NN labels of `test` with `train` as the gallery: majority of the `k`
/// nearest, ties broken by the smaller summed distance.
pub fn knn_predict(
    train: &[f32],
    train_labels: &[u16],
    test: &[f32],
    m: usize,
    k: usize,
    metric: Metric,
) -> Vec<u16> {
    let d = distances(test, train, m, metric);
    let r = train_labels.len();
    let k = k.max(1).min(r);
    d.par_chunks(r)
        .map(|row| {
            let mut idx: Vec<usize> = (0..r).collect();
            idx.select_nth_unstable_by(k - 1, |&a, &b| row[a].total_cmp(&row[b]));
            let mut votes: Vec<(u16, usize, f32)> = Vec::new();
            for &i in &idx[..k] {
                match votes.iter_mut().find(|v| v.0 == train_labels[i]) {
                    Some(v) => {
                        v.1 += 1;
                        v.2 += row[i];
                    }
                    None => votes.push((train_labels[i], 1, row[i])),
                }
            }
            votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.total_cmp(&b.2)));
            votes[0].0
        })
        .collect()
}

/// Mean of each class (`classes×m`); classes without a sample get zeros.
pub fn class_means(x: &[f32], labels: &[u16], m: usize, classes: usize) -> Vec<f32> {
    let mut sums = vec![0.0f64; classes * m];
    let mut counts = vec![0usize; classes];
    for (row, &l) in x.chunks(m).zip(labels) {
        counts[l as usize] += 1;
        for (s, &v) in sums[l as usize * m..(l as usize + 1) * m]
            .iter_mut()
            .zip(row)
        {
            *s += v as f64;
        }
    }
    sums.chunks(m)
        .zip(&counts)
        .flat_map(|(s, &c)| s.iter().map(move |&v| (v / c.max(1) as f64) as f32))
        .collect()
}

/// Fraction of equal labels.
pub fn accuracy(pred: &[u16], truth: &[u16]) -> f64 {
    pred.iter().zip(truth).filter(|(a, b)| a == b).count() as f64 / truth.len().max(1) as f64
}
