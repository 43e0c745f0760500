//! Device models with a quantised basis and map (`facenmf train --quant
//! i8`) on the shared datasets: they keep the f32 model's accuracy within a
//! few test faces, take the flash the budget says and pass `check` against
//! the float64 reference of the same quantised model; so does the
//! Fisherfaces baseline.

use std::collections::BTreeMap;

use facenmf_host::check;
use facenmf_host::data::Dataset;
use facenmf_host::features::FeatureChoice;
use facenmf_host::model::{Method, Model};
use facenmf_host::quant::Quant;
use facenmf_host::train::{self, Spec};

/// `check` of `model` on its test split passes.
fn passes_check(model: &Model, ds: &Dataset) {
    let test = train::test_split(model, ds).unwrap();
    let thumbs: Vec<Vec<f32>> = (0..test.len()).map(|i| test.image(i).to_vec()).collect();
    let c = check::run(model, &thumbs).unwrap();
    println!("check: {c:?}");
    assert!(c.pass, "{c:?}");
}

/// Olivetti through the demo's device recipe (32 x 32 thumbnails, K = 40):
/// the i8 model is within 2.5 points (2 of 80 test faces) of the f32
/// model of the same NMF fit, its basis is a quarter of the bytes, and it
/// passes `check`.
#[test]
fn olivetti_i8_model_keeps_its_accuracy_and_passes_check() {
    let Some(dir) = facenmf_tests::data_dir::dataset("olivetti") else {
        return;
    };
    let ds = facenmf_host::data::source::load(&dir, &Default::default()).unwrap();
    let mut spec = Spec {
        thumb: (32, 32),
        ..Spec::raw()
    };
    spec.nmf.n_components = 40;
    let (f32_model, f32_report) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    spec.quant = Quant::I8;
    let (model, report) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    println!("Olivetti f32 {f32_report:?}\nOlivetti i8 {report:?}");
    assert_eq!(model.quant_kind(), Quant::I8);
    assert!(
        report.accuracy >= f32_report.accuracy - 0.025,
        "i8 {} against f32 {}",
        report.accuracy,
        f32_report.accuracy
    );
    let flash = |m: &Model| facenmf_host::budget::Shape::of(m).budget(0, 0).flash_bytes;
    let (k, d) = (model.k, model.d());
    assert_eq!(
        flash(&f32_model) - flash(&model),
        3 * k * d - 4 * k + 3 * 39 * k - 4 * 39
    );
    passes_check(&model, &ds);
}

/// LBP histograms over 8 x 6 cells of a 64 x 48 thumbnail at K = 96: the
/// f32 model needs 1.1 MB of flash, the i8 model fits the 512 KB budget,
/// recognises LFW20 far above chance and passes `check`.
#[test]
fn lfw_lbp_k96_i8_model_fits_512_kb_and_passes_check() {
    let Some(dir) = facenmf_tests::data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    let ds = facenmf_tests::data_dir::load_study(&dir);
    let mut spec = Spec {
        thumb: (64, 48),
        features: FeatureChoice::lbp(8, 6),
        quant: Quant::I8,
        ..Spec::raw()
    };
    spec.nmf.n_components = 96;
    let (model, report) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    println!("LFW LBP K = 96 i8: {report:?}");
    let budget = facenmf_host::budget::Shape::of(&model).budget(0, 0);
    assert!(budget.flash_bytes <= 512 * 1024, "{budget:?}");
    assert!(
        report.accuracy > 0.5,
        "accuracy {} (chance 1.6%)",
        report.accuracy
    );
    passes_check(&model, &ds);
}

/// The Fisherfaces baseline (`--method fisherfaces`, whitened PCA of P =
/// 100 rows in i8, no square root) on Olivetti: a linear stage and no Gram
/// matrix in the model, recognises at least as well as the NMF model of
/// the same thumbnails (measured 100% of 80 test faces), passes `check`.
#[test]
fn olivetti_fisherfaces_i8_model_trains_and_passes_check() {
    let Some(dir) = facenmf_tests::data_dir::dataset("olivetti") else {
        return;
    };
    let ds = facenmf_host::data::source::load(&dir, &Default::default()).unwrap();
    let mut spec = Spec {
        thumb: (32, 32),
        method: Method::Fisherfaces,
        sqrt: false,
        quant: Quant::I8,
        ..Spec::raw()
    };
    spec.nmf.n_components = 100;
    let (model, report) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    println!("Olivetti Fisherfaces i8 {report:?}");
    assert_eq!(
        (
            model.method,
            model.k,
            model.gram.len(),
            model.encoder_bias.len()
        ),
        (Method::Fisherfaces, 100, 0, 100)
    );
    assert!(report.accuracy >= 0.95, "accuracy {}", report.accuracy);
    passes_check(&model, &ds);
}
