//! The device recipe trained on the shared LFW set (at most 50 images per
//! person, the study's protocol): its model validates, recognises far above
//! chance through the chip's pipeline, and passes `check` (the kernel agrees
//! with the float64 reference on every test thumbnail).

use std::collections::BTreeMap;

use facenmf_host::check;
use facenmf_host::train::{self, Spec};

#[test]
fn lfw_model_trains_and_passes_check() {
    let Some(dir) = facenmf_tests::data_dir::dataset("lfw_people_min20_r07") else {
        return;
    };
    let ds = facenmf_tests::data_dir::load_study(&dir);
    // The default device recipe, as `facenmf export` trains it. (With fewer
    // NMF iterations the basis is less sparse, the encoder needs more sweeps
    // than its cap and `check` rightly fails.)
    let spec = Spec::default();
    let (model, report) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    println!("LFW device model: {report:?}");
    assert_eq!(
        (report.n_train + report.n_test, model.class_names.len()),
        (2063, 62)
    );
    assert!(
        report.accuracy > 0.35,
        "accuracy {} (chance 1.6%)",
        report.accuracy
    );

    let test = train::test_split(&model, &ds).unwrap();
    assert_eq!(test.len(), report.n_test);
    let thumbs: Vec<Vec<f32>> = (0..test.len()).map(|i| test.image(i).to_vec()).collect();
    let c = check::run(&model, &thumbs).unwrap();
    println!("check: {c:?}");
    assert!(c.pass, "{c:?}");
    assert!(c.agreement >= check::MIN_AGREEMENT && c.objective_gap <= check::MAX_OBJECTIVE_GAP);
}
