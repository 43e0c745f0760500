//! The reconstruction residual that `locator endtoend --refine` aligns by:
//! taken over the model's features (the thumbnail, or its LBP histograms),
//! against an obviously correct f64 expression; a model without an NMF
//! basis is refused with an error, not a panic.

use facenmf_core::Crop;
use facenmf_host::chip::Chip;
use facenmf_host::features::FeatureChoice;
use facenmf_host::locate::refine::residual;
use facenmf_tests::models::{fisherfaces, quantised, random_model_of, Shape};

const SHAPE: Shape = Shape {
    frame: (20, 26),
    thumb: (6, 8),
    k: 5,
    m: Some(3),
    n: 7,
    classes: 4,
};

fn frame() -> Vec<u8> {
    (0..20 * 26).map(|i| ((i * 37) % 251) as u8).collect()
}

fn whole() -> Crop {
    Crop {
        x: 0,
        y: 0,
        width: 20,
        height: 26,
    }
}

/// `‖x − Hᵀz‖² / ‖x‖²` over the features, written out.
fn expected(chip: &Chip<'_>, frame: &[u8]) -> f64 {
    let m = chip.model();
    let thumb = chip.thumbnail_of(frame, 20, 26, whole()).unwrap();
    let z = chip.embed(&thumb).unwrap().raw;
    let x = chip.features(&thumb).unwrap();
    let d = x.len();
    let (mut r, mut n) = (0.0, 0.0);
    for j in 0..d {
        let rec: f64 = (0..z.len())
            .map(|k| f64::from(z[k]) * f64::from(m.basis[k * d + j]))
            .sum();
        r += (f64::from(x[j]) - rec).powi(2);
        n += f64::from(x[j]).powi(2);
    }
    r / n
}

#[test]
fn residual_is_over_the_features_of_raw_lbp_and_i8_models() {
    for features in [FeatureChoice::Raw, FeatureChoice::lbp(2, 2)] {
        for model in [
            random_model_of(3, SHAPE, features),
            quantised(random_model_of(3, SHAPE, features)),
        ] {
            let chip = Chip::new(&model).unwrap();
            let got = residual(&chip, &frame(), (20, 26), whole()).unwrap();
            assert!(got.is_finite() && got >= 0.0, "{features:?}: {got}");
            assert_eq!(got, expected(&chip, &frame()), "{features:?}");
        }
    }
}

#[test]
fn a_fisherfaces_model_is_refused() {
    let model = fisherfaces(random_model_of(3, SHAPE, FeatureChoice::Raw), 2);
    let chip = Chip::new(&model).unwrap();
    let err = residual(&chip, &frame(), (20, 26), whole()).unwrap_err();
    assert!(format!("{err:#}").contains("NMF"), "{err:#}");
}
