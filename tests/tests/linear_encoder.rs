//! The Fisherfaces recipe's linear stage (`facenmf_core::LinearEncoder`,
//! `code = W x + c`) against an obviously correct expression; a Fisherfaces
//! model through the recogniser, `check`, the JSON and the export.

use facenmf_core::{Coder, LinearEncoder, ModelError, Rows, Storage};
use facenmf_host::check;
use facenmf_host::export;
use facenmf_host::features::FeatureChoice;
use facenmf_host::model::{Method, Model};
use facenmf_tests::gen::Rng;
use facenmf_tests::models::{fisherfaces, quantised, random_model, random_model_of, Shape};
use proptest::prelude::*;

const SHAPE: Shape = Shape {
    frame: (12, 16),
    thumb: (6, 8),
    k: 6,
    m: Some(3),
    n: 12,
    classes: 4,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Each code value is, bit for bit, the row's left-to-right f32 dot
    /// product (times its scale for i8 rows) plus the bias.
    #[test]
    fn linear_code_is_rows_times_x_plus_bias(p in 1usize..=9, d in 1usize..60, i8_rows in any::<bool>(), seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let w: Vec<f32> = (0..p * d).map(|_| rng.uniform() * 2.0 - 1.0).collect();
        let bias: Vec<f32> = (0..p).map(|_| rng.uniform() - 0.5).collect();
        let x: Vec<f32> = (0..d).map(|_| rng.uniform()).collect();
        let q = facenmf_host::quant::quantise(&w, p, d).unwrap();
        let storage = if i8_rows { q.storage() } else { Storage::F32(&w) };
        let rows = Rows::new_checked("w", storage, p, d, false).unwrap();
        let enc = LinearEncoder::new_checked(rows, &bias).unwrap();
        let mut code = vec![0.0f32; p];
        let report = enc.encode(&x, &mut code).unwrap();
        prop_assert_eq!((report.sweeps, report.converged), (0, true));
        for i in 0..p {
            let naive = if i8_rows {
                q.scales[i] * q.q[i * d..(i + 1) * d].iter().zip(&x).fold(0.0f32, |s, (&a, &b)| s + f32::from(a) * b)
            } else {
                w[i * d..(i + 1) * d].iter().zip(&x).fold(0.0f32, |s, (&a, &b)| s + a * b)
            };
            prop_assert_eq!(code[i].to_bits(), (naive + bias[i]).to_bits(), "row {}", i);
        }
    }
}

/// Wrong lengths and non-finite values are refused by name, at
/// construction or at the input.
#[test]
fn bad_linear_stages_and_inputs_are_refused() {
    let w = [1.0f32, -2.0, 3.0, 4.0, 5.0, -6.0];
    let rows = Rows::new_checked("w", Storage::F32(&w), 2, 3, false).unwrap();
    assert_eq!(
        LinearEncoder::new_checked(rows, &[0.0]).unwrap_err(),
        ModelError::Length {
            what: "encoder bias",
            expected: 2,
            actual: 1
        }
    );
    assert!(matches!(
        LinearEncoder::new_checked(rows, &[0.0, f32::NAN]),
        Err(ModelError::NotFinite {
            what: "encoder bias",
            ..
        })
    ));
    let enc = LinearEncoder::new_checked(rows, &[0.5, -0.5]).unwrap();
    let coder = Coder::from(enc);
    assert_eq!((coder.k(), coder.d()), (2, 3));
    let mut code = [0.0f32; 2];
    assert!(coder.encode(&[1.0, f32::INFINITY, 0.0], &mut code).is_err());
    assert!(coder.encode(&[1.0, 0.0], &mut code).is_err());
    assert!(coder.encode(&[1.0, 0.0, 0.0], &mut [0.0; 3]).is_err());
    coder.encode(&[1.0, 1.0, 1.0], &mut code).unwrap();
    assert_eq!(code, [2.5, 2.5]);
}

/// A Fisherfaces model (f32 and i8) validates, passes `check` against the
/// f64 linear stage, reads back from JSON exactly, and its export names
/// the linear stage and no Gram matrix; an NMF model's JSON names no method.
#[test]
fn fisherfaces_model_checks_saves_and_exports() {
    let thumbs: Vec<Vec<f32>> = {
        let mut rng = Rng::new(4);
        (0..100)
            .map(|_| (0..48).map(|_| rng.uniform()).collect())
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let lbp = FeatureChoice::lbp(2, 2);
    for model in [
        fisherfaces(random_model(5, SHAPE), 1),
        quantised(fisherfaces(random_model_of(5, SHAPE, lbp), 1)),
    ] {
        model.validate().unwrap();
        let report = check::run(&model, &thumbs).unwrap();
        assert!(report.pass, "{report:?}");
        assert!(report.max_abs_code_diff < 1e-4, "{report:?}");
        assert_eq!(report.objective_gap, 0.0);
        model.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"method\":\"fisherfaces\""));
        assert_eq!(Model::load(&path).unwrap(), model);
        let rs = export::render(&model).unwrap();
        assert!(rs.contains("pub static ENCODER_BIAS: [f32; K] = ["));
        assert!(!rs.contains("GRAM"));
        assert!(rs.contains("LinearEncoder::from_"));
        let budget = facenmf_host::budget::Shape::of(&model).budget(200, 0);
        assert_eq!(budget.macs, model.d() * 6 + 3 * 6 + 12 * 3, "no sweeps");
    }
    let nmf = random_model(5, SHAPE);
    assert!(!serde_json::to_string(&nmf).unwrap().contains("method"));
    // A Fisherfaces model carries no Gram matrix, an NMF model no bias.
    let mut bad = fisherfaces(random_model(5, SHAPE), 1);
    bad.gram = vec![1.0];
    assert!(format!("{:#}", bad.validate().unwrap_err()).contains("no Gram matrix"));
    let mut bad = random_model(5, SHAPE);
    bad.encoder_bias = vec![0.0; 6];
    assert!(format!("{:#}", bad.validate().unwrap_err()).contains("no encoder bias"));
    assert_eq!(nmf.method, Method::Nmf);
}
