//! The end-to-end self-test (the README's main job for now) passes and its
//! figures are within the property tests' tolerances.

#[test]
fn selftest_agrees_with_reference() {
    for seed in [1, 2, 3] {
        let f = facenmf_host::selftest::run(seed).unwrap();
        assert!(f.max_thumb_diff <= 1e-6, "{f:?}");
        assert!(f.max_objective_gap <= 1e-4, "{f:?}");
        assert_eq!(f.agreement, 1.0, "{f:?}");
        assert!(f.accuracy >= 0.5, "{f:?}");
    }
}
