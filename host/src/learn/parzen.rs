//! The Parzen-window decision: each class scored by a soft minimum of the
//! cosine distances to all of its training points (copies included),
//! instead of the distance to its mean.
//!
//! For a test point `t` and a class `c` with training points `xᵢ`:
//!
//! `D_c(t) = −w · ln Σ_{i ∈ c} exp(−dᵢ / w)`, `dᵢ = 1 − cos(t, xᵢ)`,
//!
//! so `exp(−D_c / w)` is a kernel density of the class at `t` times the
//! class's share of the training set (the kernel `exp(cos / w)` on the unit
//! sphere), and the smallest `D_c` is the Parzen classifier's answer. As `w`
//! shrinks, `D_c` tends to the distance to the class's nearest point (1-NN);
//! as it grows, to the mean distance minus `w · ln(count)`. The mirrored,
//! shifted and turned copies of every training face then act as a gallery
//! of the ways it may appear: a test face close to one of them scores high.
//!
//! Cost: one GEMM of the test points against every training point
//! (`q × n × m`, through [`super::knn::distances`]), done in blocks of test
//! rows so the memory stays `BLOCK × n`. The chip keeps the class means
//! (its memory holds no gallery of copies); this decision is the trainer's.

use super::knn::{distances, Metric};
use rayon::prelude::*;

/// Test rows per block of the distance matrix.
const BLOCK: usize = 256;

/// `q × classes` soft-min distances `D_c` of `test` (`q×m`) to the rows of
/// `train` (`n×m`) labelled `labels` (in `0..classes`), with kernel width
/// `width` (finite, > 0). A class without training rows gets `+∞`.
///
/// Accuracy: the log-sum-exp is taken relative to each class's smallest
/// distance and summed in f64, so `D_c` is within a few f32 ulps of the
/// cosine distances' own rounding (about 1e-6), for any width.
pub fn soft_min_distances(
    test: &[f32],
    train: &[f32],
    labels: &[u16],
    m: usize,
    classes: usize,
    width: f32,
) -> Vec<f32> {
    let (q, n) = (test.len() / m.max(1), labels.len());
    let mut out = vec![f32::INFINITY; q * classes];
    if m == 0 || n == 0 || q == 0 {
        return out;
    }
    for (tb, ob) in test.chunks(BLOCK * m).zip(out.chunks_mut(BLOCK * classes)) {
        distances(tb, train, m, Metric::Cosine)
            .par_chunks(n)
            .zip(ob.par_chunks_mut(classes))
            .for_each(|(dist, row)| soft_min_row(dist, labels, width, row));
    }
    out
}

/// One test point: `row[c] = D_c` from its cosine distances `dist` to
/// every training point (`row` holds `+∞` on entry).
fn soft_min_row(dist: &[f32], labels: &[u16], width: f32, row: &mut [f32]) {
    // Smallest distance of each class: the log-sum-exp's shift.
    for (&d, &l) in dist.iter().zip(labels) {
        let best = &mut row[l as usize];
        if d < *best {
            *best = d;
        }
    }
    let mut sums = vec![0.0f64; row.len()];
    let w = f64::from(width);
    for (&d, &l) in dist.iter().zip(labels) {
        let c = l as usize;
        sums[c] += (-(f64::from(d) - f64::from(row[c])) / w).exp();
    }
    for (d, &sum) in row.iter_mut().zip(&sums) {
        if sum > 0.0 {
            // sum ≥ 1 (the nearest point contributes exp(0)).
            *d = (f64::from(*d) - w * sum.ln()) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::soft_min_distances;
    use crate::nmf::rng::Rng;

    fn data(rows: usize, m: usize, rng: &mut Rng) -> Vec<f32> {
        (0..rows * m).map(|_| rng.normal() as f32).collect()
    }

    /// `1 − cos(a, b)` in f64.
    fn cosine_distance(a: &[f32], b: &[f32]) -> f64 {
        let dot = |u: &[f32], v: &[f32]| {
            u.iter()
                .zip(v)
                .map(|(&x, &y)| f64::from(x) * f64::from(y))
                .sum::<f64>()
        };
        1.0 - dot(a, b) / (dot(a, a) * dot(b, b)).sqrt()
    }

    /// The plain expression in f64: `−w ln Σ exp(−(1 − cos)/w)` per class.
    fn naive(
        test: &[f32],
        train: &[f32],
        labels: &[u16],
        m: usize,
        classes: usize,
        w: f64,
    ) -> Vec<f64> {
        let mut out = Vec::new();
        for t in test.chunks(m) {
            let mut sums = vec![0.0f64; classes];
            for (x, &l) in train.chunks(m).zip(labels) {
                sums[l as usize] += (-cosine_distance(t, x) / w).exp();
            }
            out.extend(
                sums.iter()
                    .map(|&s| if s > 0.0 { -w * s.ln() } else { f64::INFINITY }),
            );
        }
        out
    }

    #[test]
    fn matches_the_plain_expression_in_f64() {
        let mut rng = Rng::new(7);
        let (m, classes) = (12, 5);
        // More than one block of test rows; class 4 has no training rows.
        let (test, train) = (data(300, m, &mut rng), data(90, m, &mut rng));
        let labels: Vec<u16> = (0..90).map(|i| (i % 4) as u16).collect();
        for w in [0.5f32, 0.05] {
            let got = soft_min_distances(&test, &train, &labels, m, classes, w);
            let want = naive(&test, &train, &labels, m, classes, f64::from(w));
            for (g, v) in got.iter().zip(&want) {
                if v.is_infinite() {
                    assert_eq!(*g, f32::INFINITY);
                } else {
                    assert!((f64::from(*g) - v).abs() < 1e-5, "w = {w}: {g} vs {v}");
                }
            }
        }
    }

    #[test]
    fn a_narrow_window_is_the_nearest_point_and_scale_does_not_matter() {
        let mut rng = Rng::new(11);
        let (m, classes) = (8, 3);
        let (test, train) = (data(20, m, &mut rng), data(30, m, &mut rng));
        let labels: Vec<u16> = (0..30).map(|i| (i % 3) as u16).collect();
        // w = 1e-4: within w·ln(10) of the cosine distance to the class's
        // nearest point (no underflow: the shift makes that term exp(0)).
        let got = soft_min_distances(&test, &train, &labels, m, classes, 1e-4);
        for (t, row) in test.chunks(m).zip(got.chunks(classes)) {
            for (c, &g) in row.iter().enumerate() {
                let nearest = train
                    .chunks(m)
                    .zip(&labels)
                    .filter(|(_, &l)| l as usize == c)
                    .map(|(x, _)| cosine_distance(t, x))
                    .fold(f64::INFINITY, f64::min);
                assert!(
                    (f64::from(g) - nearest).abs() < 1e-4 * 10f64.ln() + 1e-6,
                    "{g} vs {nearest}"
                );
            }
        }
        // Cosine: rows scaled by any positive factor give the same answer.
        let scaled: Vec<f32> = train.iter().map(|v| v * 3.5).collect();
        let a = soft_min_distances(&test, &train, &labels, m, classes, 0.1);
        let b = soft_min_distances(&test, &scaled, &labels, m, classes, 0.1);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-5);
        }
    }
}
