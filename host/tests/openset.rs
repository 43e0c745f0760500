//! The open-set curve against hand-counted cases.

use facenmf_core::gallery::Metric;
use facenmf_host::openset::{decide, Curve, Probe};

fn p(distance: f32, correct: bool) -> Probe {
    Probe {
        score: distance,
        correct,
    }
}

#[test]
fn curve_counts_known_and_strangers_at_each_threshold() {
    let known = [p(1.0, true), p(2.0, false), p(3.0, true), p(5.0, true)];
    let strangers = [p(2.5, false), p(4.0, false)];
    let c = Curve::new(&known, &strangers).unwrap();
    let at = |t: f32| c.points.iter().find(|q| q.threshold == t).copied().unwrap();
    assert_eq!(c.points[0].known_correct, 0.0);
    assert_eq!(c.points[0].false_accept, 0.0);
    assert_eq!((at(1.0).known_correct, at(1.0).false_accept), (0.25, 0.0));
    assert_eq!((at(2.5).known_correct, at(2.5).false_accept), (0.25, 0.5));
    assert_eq!((at(3.0).known_correct, at(3.0).false_accept), (0.5, 0.5));
    assert_eq!((at(5.0).known_correct, at(5.0).false_accept), (0.75, 1.0));
    assert_eq!(c.closed_set_accuracy(), 0.75);
    assert_eq!(c.threshold_at(0.0).threshold, 2.0);
    assert_eq!(c.threshold_at(0.5).threshold, 3.0);
    assert_eq!(c.threshold_at(1.0).threshold, 5.0);
}

#[test]
fn decide_uses_the_kernels_vote() {
    let templates = vec![(0u16, vec![0.0, 0.0]), (1, vec![10.0, 0.0])];
    let known = vec![(0u16, vec![1.0, 0.0]), (1, vec![2.0, 0.0])];
    let strangers = vec![vec![5.0, 5.0]];
    let (k, s) = decide(&templates, &known, &strangers, 1, Metric::SquaredL2).unwrap();
    assert_eq!(k, vec![p(1.0, true), p(4.0, false)]);
    assert_eq!(s, vec![p(50.0, false)]);
    assert!(Curve::new(&k, &[]).is_err());
    assert!(Curve::new(&[], &s).is_err());
}
