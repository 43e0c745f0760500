//! `facenmf-core`'s gallery against the brute-force f64 k-NN of
//! `facenmf-host`.
//!
//! Vectors with small integer coordinates make every squared-L2 distance
//! exact in f32 and f64, so ties and duplicates are real ties in both and the
//! answers must be identical, label, distance and votes. Cosine distances
//! round, so there each distance is checked against f64 and the vote against
//! the reference's vote on the same distances.

use facenmf_core::gallery::{Gallery, Identity, Metric, MAX_NEIGHBOURS};
use facenmf_host::reference::knn;
use proptest::prelude::*;

const M: usize = 4;

fn small_int_vec() -> impl Strategy<Value = [f32; M]> {
    prop::array::uniform4((-2i8..=2).prop_map(f32::from))
}

/// Templates with few labels and many repeats: ties and duplicates galore.
fn templates() -> impl Strategy<Value = Vec<(u16, [f32; M])>> {
    prop::collection::vec((0u16..4, small_int_vec()), 1..40).prop_flat_map(|base| {
        let n = base.len();
        (Just(base), prop::collection::vec(0..n, 0..20)).prop_map(|(mut t, dups)| {
            for i in dups {
                t.push(t[i]);
            }
            t
        })
    })
}

fn reference(
    t: &[(u16, [f32; M])],
    q: &[f32; M],
    k: usize,
    metric: knn::Metric,
) -> Option<(u16, f64, usize)> {
    let t: Vec<(u16, Vec<f32>)> = t.iter().map(|(l, v)| (*l, v.to_vec())).collect();
    knn::classify(&t, q, k, metric)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn squared_l2_equals_brute_force(t in templates(), q in small_int_vec(), k in 1usize..=MAX_NEIGHBOURS, split in 0usize..60) {
        // Part of the templates in "flash", the rest enrolled at run time.
        let split = split.min(t.len());
        let mut gallery: Gallery<'_, M, 64> = Gallery::new_checked(&t[..split]).unwrap();
        for &(l, v) in &t[split..] {
            gallery.enroll(l, v).unwrap();
        }
        let got = gallery.classify(&q, k, Metric::SquaredL2).unwrap();
        let (label, distance, votes) = reference(&t, &q, k, knn::Metric::SquaredL2).unwrap();
        prop_assert_eq!(got.label, label);
        prop_assert_eq!(f64::from(got.distance), distance);
        prop_assert_eq!(usize::from(got.votes), votes);
        prop_assert_eq!(got.identity, Identity::Known(label));
    }

    #[test]
    fn cosine_equals_brute_force(t in templates(), q in small_int_vec(), k in 1usize..=MAX_NEIGHBOURS) {
        // Different vectors can have exactly equal cosines that f32 and f64
        // round apart, so the vote is checked on the kernel's own distances
        // (each within 1e-6 of f64), through the reference's vote.
        let gallery: Gallery<'_, M, 0> = Gallery::new_checked(&t).unwrap();
        let got = gallery.classify(&q, k, Metric::Cosine).unwrap();
        let mut distances = Vec::new();
        for (l, v) in &t {
            let d32 = Metric::Cosine.distance(&q, v);
            prop_assert!((f64::from(d32) - knn::distance(knn::Metric::Cosine, &q, v)).abs() < 1e-6);
            distances.push((f64::from(d32), *l));
        }
        let (label, distance, votes) = knn::vote_of(&distances, k).unwrap();
        prop_assert_eq!(got.label, label);
        prop_assert_eq!(f64::from(got.distance), distance);
        prop_assert_eq!(usize::from(got.votes), votes);
    }

    #[test]
    fn threshold_decides_unknown(t in templates(), q in small_int_vec(), threshold in 0.0f32..20.0) {
        let mut gallery: Gallery<'_, M, 0> = Gallery::new_checked(&t).unwrap();
        gallery.set_threshold(threshold);
        let got = gallery.classify(&q, 1, Metric::SquaredL2).unwrap();
        let expected = if got.distance <= threshold { Identity::Known(got.label) } else { Identity::Unknown };
        prop_assert_eq!(got.identity, expected);
    }

    #[test]
    fn removal_equals_brute_force_without_that_label(t in templates(), q in small_int_vec(), k in 1usize..=8, gone in 0u16..4, split in 0usize..60) {
        let split = split.min(t.len());
        let mut gallery: Gallery<'_, M, 64> = Gallery::new_checked(&t[..split]).unwrap();
        for &(l, v) in &t[split..] {
            gallery.enroll(l, v).unwrap();
        }
        let removed = gallery.remove(gone).unwrap();
        let rest: Vec<_> = t.iter().copied().filter(|(l, _)| *l != gone).collect();
        prop_assert_eq!(removed, t.len() - rest.len());
        match reference(&rest, &q, k, knn::Metric::SquaredL2) {
            None => prop_assert!(gallery.classify(&q, k, Metric::SquaredL2).is_err()),
            Some((label, _, votes)) => {
                let got = gallery.classify(&q, k, Metric::SquaredL2).unwrap();
                prop_assert_eq!((got.label, usize::from(got.votes)), (label, votes));
            }
        }
    }
}
