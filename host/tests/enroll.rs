//! `facenmf enroll` on synthetic faces: a person the basis never saw, enrolled
//! from photos on disk through the chip's thumbnail path, is then recognised;
//! bad input is refused with the model left exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use facenmf_host::chip::Chip;
use facenmf_host::data::decode::{write_png, Image8};
use facenmf_host::data::Dataset;
use facenmf_host::enroll::{self, TemplateMode};
use facenmf_host::model::Model;
use facenmf_host::synthetic;
use facenmf_host::train::{self, Spec};

const PEOPLE: usize = 12;
const NEWCOMER: u16 = PEOPLE as u16 - 1;

/// Synthetic faces; the model is trained on everyone but the last person.
fn setup() -> (Dataset, Model) {
    let ds = synthetic::generate(&synthetic::Spec {
        people: PEOPLE,
        per_person: 12,
        seed: 5,
        ..Default::default()
    });
    let idx: Vec<usize> = (0..ds.len())
        .filter(|&i| ds.labels[i] != NEWCOMER)
        .collect();
    let known = ds.subset(&idx).unwrap().drop_empty_classes();
    let mut spec = Spec {
        thumb: (24, 24),
        ..Spec::raw()
    };
    spec.nmf.n_components = 24;
    spec.nmf.max_iter = 150;
    let (model, report) = train::train(&known, &spec, BTreeMap::new()).unwrap();
    assert!(
        report.accuracy > 0.8,
        "synthetic model accuracy {}",
        report.accuracy
    );
    (ds, model)
}

fn write_photo(path: &Path, ds: &Dataset, i: usize) {
    let img = Image8 {
        width: ds.width,
        height: ds.height,
        channels: 1,
        data: ds
            .image(i)
            .iter()
            .map(|&v| (v * 255.0).round() as u8)
            .collect(),
    };
    write_png(path, &img).unwrap();
}

fn newcomer_images(ds: &Dataset) -> Vec<usize> {
    (0..ds.len())
        .filter(|&i| ds.labels[i] == NEWCOMER)
        .collect()
}

#[test]
fn a_newcomer_enrolled_from_photos_is_recognised() {
    let (ds, mut model) = setup();
    let tmp = tempfile::tempdir().unwrap();
    let imgs = newcomer_images(&ds);
    let photos: Vec<PathBuf> = imgs[..5]
        .iter()
        .map(|&i| {
            let p = tmp.path().join(format!("photo{i}.png"));
            write_photo(&p, &ds, i);
            p
        })
        .collect();
    let frames = enroll::read_photos(&model, &photos, None).unwrap();
    // PNG round trip of 8-bit pixels: the frames are the dataset's, to 1/510.
    for (a, b) in frames
        .images
        .iter()
        .zip(&ds.subset(&imgs[..5]).unwrap().images)
    {
        assert!((a - b).abs() <= 0.5 / 255.0 + 1e-6, "{a} vs {b}");
    }
    let v = enroll::vectors(&model, &frames).unwrap();
    let before = model.clone();
    let label = enroll::add_person(&mut model, "Newcomer", &v, TemplateMode::Mean).unwrap();
    assert_eq!(usize::from(label), before.class_names.len());
    assert_eq!(model.templates.len(), before.templates.len() + 1);

    // The other seven photos: named as the newcomer by the chip's vote.
    let rest = ds.subset(&imgs[5..]).unwrap();
    let decisions = Chip::new(&model)
        .unwrap()
        .see_all(
            &rest.thumbnails(model.geometry.crop(), 24, 24).unwrap(),
            f32::INFINITY,
        )
        .unwrap();
    let named = decisions
        .iter()
        .filter(|d| d.decision.label == label)
        .count();
    assert!(named >= 6, "only {named}/7 photos of the newcomer named");
    // Before enrolment none could be.
    let before_decisions = Chip::new(&before)
        .unwrap()
        .see_all(
            &rest.thumbnails(before.geometry.crop(), 24, 24).unwrap(),
            f32::INFINITY,
        )
        .unwrap();
    assert!(before_decisions.iter().all(|d| d.decision.label != label));

    // One template per photo.
    let mut each = before.clone();
    enroll::add_person(&mut each, "Newcomer", &v, TemplateMode::Each).unwrap();
    assert_eq!(each.templates.len(), before.templates.len() + 5);
}

#[test]
fn bad_enrolments_are_refused_and_change_nothing() {
    let (ds, mut model) = setup();
    let before = model.clone();
    let m = model.m();
    let v = vec![0.1f32; 2 * m];
    let name = model.class_names[0].clone();
    let e = enroll::add_person(&mut model, &name, &v, TemplateMode::Mean).unwrap_err();
    assert!(e.to_string().contains("already in the model"), "{e}");
    let e = enroll::add_person(&mut model, "  ", &v, TemplateMode::Mean).unwrap_err();
    assert!(e.to_string().contains("empty"), "{e}");
    let mut nan = v.clone();
    nan[m + 3] = f32::NAN;
    let e = enroll::add_person(&mut model, "X", &nan, TemplateMode::Mean).unwrap_err();
    assert!(e.to_string().contains("vector 1"), "{e}");
    let e = enroll::add_person(&mut model, "X", &v[..m - 1], TemplateMode::Each).unwrap_err();
    assert!(e.to_string().contains("length"), "{e}");
    assert_eq!(model, before);

    let e = enroll::read_photos(&model, &[], None).unwrap_err();
    assert!(e.to_string().contains("no photo"), "{e}");
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.png");
    let e = enroll::read_photos(&model, std::slice::from_ref(&missing), None).unwrap_err();
    assert!(format!("{e:#}").contains("missing.png"), "{e:#}");
    // Frames of the wrong size.
    let wrong = ds.thumbnails(model.geometry.crop(), 24, 24).unwrap();
    assert!(enroll::vectors(&model, &wrong).is_err());
}

#[test]
fn the_enroll_command_writes_whole_models_or_nothing() {
    let (ds, model) = setup();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("model.json");
    model.save(&path).unwrap();
    let saved = std::fs::read(&path).unwrap();
    let good = tmp.path().join("good.png");
    write_photo(&good, &ds, newcomer_images(&ds)[0]);
    let corrupt = tmp.path().join("corrupt.png");
    std::fs::write(&corrupt, b"not a png").unwrap();
    let rs = tmp.path().join("model.rs");
    let run = |photos: &[&Path], person: &str| {
        Command::new(env!("CARGO_BIN_EXE_facenmf"))
            .args(["enroll", "--model"])
            .arg(&path)
            .args(["--person", person, "--export"])
            .arg(&rs)
            .args(photos)
            .output()
            .unwrap()
    };
    let out = run(&[&good, &corrupt], "New Person");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corrupt.png"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        saved,
        "model changed on error"
    );
    assert!(!rs.exists(), "export written on error");

    let out = run(&[&good], "New Person");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let grown = Model::load(&path).unwrap();
    assert_eq!(
        grown.class_names.last().map(String::as_str),
        Some("New Person")
    );
    assert!(std::fs::read_to_string(&rs)
        .unwrap()
        .contains("\"New Person\""));
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 4, "stray files: {names:?}");
}
