//! `check` passes a model whose encoder converges and fails one whose sweep
//! cap stops it early: the verdict can fail.

use facenmf_host::check;
use facenmf_host::features::FeatureChoice;
use facenmf_tests::gen::Rng;
use facenmf_tests::models::{quantised, random_model, random_model_of, Shape};

const SHAPE: Shape = Shape {
    frame: (12, 16),
    thumb: (6, 8),
    k: 6,
    m: Some(3),
    n: 12,
    classes: 4,
};

fn thumbs(seed: u64, n: usize, d: usize) -> Vec<Vec<f32>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| (0..d).map(|_| rng.uniform()).collect())
        .collect()
}

#[test]
fn converged_model_passes() {
    let mut model = random_model(5, SHAPE);
    (model.max_sweeps, model.tol) = (5000, 1e-7);
    let report = check::run(&model, &thumbs(1, 200, model.geometry.d())).unwrap();
    assert!(report.pass, "{report:?}");
    assert!(report.objective_gap <= 1e-5, "{report:?}");
    assert_eq!(report.agreement, 1.0, "{report:?}");
}

#[test]
fn lbp_model_passes_with_the_reference_features() {
    let lbp = FeatureChoice::lbp(2, 2);
    let mut model = random_model_of(5, SHAPE, lbp);
    (model.max_sweeps, model.tol) = (5000, 1e-7);
    assert_eq!(model.d(), 4 * 59);
    let report = check::run(&model, &thumbs(1, 200, model.geometry.d())).unwrap();
    assert!(report.pass, "{report:?}");
    assert_eq!(report.feature_mismatches, 0, "{report:?}");
    assert_eq!(report.agreement, 1.0, "{report:?}");
    // Thumbnails of the wrong size are refused, not encoded.
    assert!(check::run(&model, &thumbs(1, 3, model.d())).is_err());
}

/// A quantised model is checked against the float64 reference of its own
/// dequantised basis and map: it passes.
#[test]
fn quantised_model_passes_against_its_dequantised_reference() {
    let lbp = FeatureChoice::lbp(2, 2);
    let mut model = quantised(random_model_of(5, SHAPE, lbp));
    (model.max_sweeps, model.tol) = (5000, 1e-7);
    let report = check::run(&model, &thumbs(1, 200, model.geometry.d())).unwrap();
    assert!(report.pass, "{report:?}");
    assert!(report.objective_gap <= 1e-5, "{report:?}");
    assert_eq!(report.agreement, 1.0, "{report:?}");
}

#[test]
fn early_stop_fails_the_gap() {
    let mut model = random_model(5, SHAPE);
    (model.max_sweeps, model.tol) = (1, 0.0);
    let report = check::run(&model, &thumbs(1, 200, model.geometry.d())).unwrap();
    assert!(!report.pass, "{report:?}");
    assert!(
        report.objective_gap > check::MAX_OBJECTIVE_GAP,
        "{report:?}"
    );
    assert_eq!(report.converged, 0.0);
}

#[test]
fn no_thumbnails_is_an_error() {
    let model = random_model(5, SHAPE);
    assert!(check::run(&model, &[]).is_err());
}
