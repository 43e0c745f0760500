//! `facenmf recognise` through the binary, on synthetic faces: one photo, a
//! folder of frames, a labelled folder of person folders (accuracy,
//! confusions), `--json`, and bad input (missing file, corrupt JPEG, a frame
//! of the wrong size, one bad photo among good ones, `--fail-fast`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use facenmf_host::chip::Chip;
use facenmf_host::data::decode::{write_png, Image8};
use facenmf_host::data::Dataset;
use facenmf_host::model::Model;
use facenmf_host::synthetic;
use facenmf_host::train::{self, Spec};

const PEOPLE: usize = 6;

fn setup() -> (Dataset, Model) {
    let ds = synthetic::generate(&synthetic::Spec {
        people: PEOPLE,
        per_person: 10,
        seed: 11,
        ..Default::default()
    });
    let mut spec = Spec {
        thumb: (24, 24),
        ..Spec::raw()
    };
    spec.nmf.n_components = 16;
    spec.nmf.max_iter = 100;
    let (model, _) = train::train(&ds, &spec, BTreeMap::new()).unwrap();
    (ds, model)
}

fn image(ds: &Dataset, i: usize) -> Image8 {
    Image8 {
        width: ds.width,
        height: ds.height,
        channels: 1,
        data: ds
            .image(i)
            .iter()
            .map(|&v| (v * 255.0).round() as u8)
            .collect(),
    }
}

fn pgm(path: &Path, img: &Image8) {
    let mut bytes = format!("P5\n{} {}\n255\n", img.width, img.height).into_bytes();
    bytes.extend(&img.data);
    std::fs::write(path, bytes).unwrap();
}

fn recognise(model: &Path, args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .arg("recognise")
        .arg("--model")
        .arg(model)
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", text(&out.stdout)))
}

#[test]
fn recognise_answers_photos_frames_and_labelled_folders() {
    let (ds, model) = setup();
    let tmp = tempfile::tempdir().unwrap();
    let model_path = tmp.path().join("model.json");
    model.save(&model_path).unwrap();
    let chip = Chip::new(&model).unwrap();
    let thumbs = ds
        .thumbnails(
            model.geometry.crop(),
            model.geometry.height,
            model.geometry.width,
        )
        .unwrap();
    let host = chip.see_all(&thumbs, chip.threshold()).unwrap();

    // One photo (PNG): the chip's answer, distance and a runner-up.
    let photo = tmp.path().join("photo.png");
    write_png(&photo, &image(&ds, 3)).unwrap();
    let out = recognise(&model_path, &["--json"], &[&photo]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = json(&out);
    let a = &v["answers"][0];
    let label = usize::from(host[3].decision.label);
    assert_eq!(a["nearest"], model.class_names[label].as_str());
    assert_eq!(
        a["distance"].as_f64().unwrap() as f32,
        host[3].decision.distance
    );
    let runner_up = a["runner_up"]["name"].as_str().unwrap();
    assert_ne!(runner_up, model.class_names[label]);
    assert!(a["runner_up"]["distance"].as_f64().unwrap() as f32 >= host[3].decision.distance);
    assert!(v["score"].is_null(), "an unlabelled photo has no score");

    // A folder of frames (PGM at the model's frame size), plain text.
    let frames = tmp.path().join("frames");
    std::fs::create_dir(&frames).unwrap();
    for i in 0..4 {
        pgm(&frames.join(format!("f{i}.pgm")), &image(&ds, i * 10));
    }
    let out = recognise(&model_path, &["--frames"], &[&frames]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    for i in 0..4 {
        let name = &model.class_names[usize::from(host[i * 10].decision.label)];
        let line = stdout.lines().nth(i).unwrap();
        assert!(line.contains(&format!("f{i}.pgm: {name} ")), "{line}");
        assert!(line.contains("runner-up"), "{line}");
    }

    // A labelled folder: person folders named as the model's people, plus a
    // picture of person 0 filed under person 1 (a confusion).
    let people = tmp.path().join("people");
    for i in 0..ds.len() {
        let dir = people.join(&ds.class_names[usize::from(ds.labels[i])]);
        std::fs::create_dir_all(&dir).unwrap();
        write_png(&dir.join(format!("{i:03}.png")), &image(&ds, i)).unwrap();
    }
    let misfiled = people.join(&ds.class_names[1]).join("zz.png");
    write_png(&misfiled, &image(&ds, 0)).unwrap();
    let out = recognise(&model_path, &["--json"], &[&people]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = json(&out);
    let n = ds.len() + 1;
    assert_eq!(v["answers"].as_array().unwrap().len(), n);
    let correct = host
        .iter()
        .zip(&ds.labels)
        .filter(|(s, &l)| s.known() && s.decision.label == l)
        .count();
    assert_eq!(v["score"]["images"], n);
    assert_eq!(v["score"]["correct"], correct);
    let confusions = v["score"]["confusions"].as_array().unwrap();
    assert!(
        confusions
            .iter()
            .any(|c| c["truth"] == ds.class_names[1].as_str()
                && c["answer"] == ds.class_names[0].as_str()),
        "{confusions:?}"
    );
    let out = recognise(&model_path, &[], &[&people]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("of {n} labelled pictures")));
    assert!(text(&out.stdout).contains("accuracy"));
}

#[test]
fn recognise_names_bad_files_and_answers_the_others() {
    let (ds, model) = setup();
    let tmp = tempfile::tempdir().unwrap();
    let model_path = tmp.path().join("model.json");
    model.save(&model_path).unwrap();
    let good = tmp.path().join("good.png");
    write_png(&good, &image(&ds, 0)).unwrap();
    let corrupt = tmp.path().join("corrupt.jpg");
    std::fs::write(&corrupt, b"\xff\xd8\xff\xe0 not really a JPEG").unwrap();
    let missing = tmp.path().join("missing.png");

    // A missing file: named, non-zero exit.
    let out = recognise(&model_path, &[], &[&missing]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("missing.png"),
        "{}",
        text(&out.stderr)
    );

    // A corrupt JPEG among good photos: the good one is answered, the bad
    // one named, the exit code non-zero, the JSON still whole.
    let out = recognise(&model_path, &["--json"], &[&good, &corrupt]);
    assert!(!out.status.success());
    let v = json(&out);
    assert_eq!(v["answers"].as_array().unwrap().len(), 1);
    let f = &v["failures"][0];
    assert!(f["path"].as_str().unwrap().ends_with("corrupt.jpg"), "{f}");
    assert!(f["error"].as_str().unwrap().contains("JPEG"), "{f}");
    assert!(text(&out.stderr).contains("corrupt.jpg"));

    // A folder with one bad photo: the others answered; --fail-fast stops.
    let folder = tmp.path().join("photos");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..3 {
        write_png(&folder.join(format!("p{i}.png")), &image(&ds, i * 10)).unwrap();
    }
    std::fs::write(folder.join("p1b.png"), b"\x89PNG broken").unwrap();
    let out = recognise(&model_path, &[], &[&folder]);
    assert!(!out.status.success());
    assert_eq!(
        text(&out.stdout).lines().count(),
        3,
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("p1b.png"));
    let out = recognise(&model_path, &["--fail-fast"], &[&folder]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("p1b.png"));

    // A frame that does not match the model's frame size.
    let small = tmp.path().join("small.pgm");
    pgm(
        &small,
        &Image8 {
            width: 5,
            height: 4,
            channels: 1,
            data: vec![7; 20],
        },
    );
    let out = recognise(&model_path, &["--frames"], &[&small]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("small.pgm") && err.contains("4x5"), "{err}");
}
