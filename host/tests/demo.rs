//! `facenmf demo` on synthetic faces, end to end through the binary (the
//! firmware step is left to the tests crate's real-data demo test), and its
//! refusal of a missing dataset.

use std::process::Command;

fn facenmf(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

#[test]
fn demo_runs_on_synthetic_faces_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("report");
    let dir = out_dir.to_str().unwrap();
    let out = facenmf(&[
        "demo",
        "--synthetic",
        "--no-firmware",
        "--sweep",
        "10,30",
        "--out",
        dir,
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("SYNTHETIC FACES"), "{stderr}");
    assert!(stdout.contains("report folder"), "{stdout}");
    for f in [
        "summary.md",
        "summary.json",
        "accuracy.csv",
        "sweep.csv",
        "sweep.png",
        "openset.png",
        "components.png",
        "reconstructions.png",
        "model.json",
        "model.rs",
    ] {
        let p = out_dir.join(f);
        assert!(
            p.is_file() && p.metadata().unwrap().len() > 0,
            "{f} missing"
        );
    }
    let md = std::fs::read_to_string(out_dir.join("summary.md")).unwrap();
    assert!(md.contains("SYNTHETIC FACES"));
    assert!(
        md.contains("Firmware in QEMU: SKIPPED (--no-firmware)"),
        "{md}"
    );
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["synthetic"], true);
    assert_eq!(s["people"], 40);
    assert_eq!(s["check"]["pass"], true, "{}", s["check"]);
    let device = s["accuracies"]["rows"][5]["inductive"].as_f64().unwrap();
    assert!(
        device > 0.6,
        "device model accuracy {device} on synthetic faces"
    );
    let threshold = s["openset"]["threshold"].as_f64().unwrap();
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("model.json")).unwrap()).unwrap();
    assert_eq!(
        model["threshold"].as_f64().unwrap() as f32,
        threshold as f32
    );
    let rs = std::fs::read_to_string(out_dir.join("model.rs")).unwrap();
    assert!(
        rs.contains("pub const THRESHOLD: f32"),
        "export carries the threshold"
    );
    let sweep = std::fs::read_to_string(out_dir.join("sweep.csv")).unwrap();
    assert_eq!(sweep.lines().count(), 3, "{sweep}");
    assert!(sweep.starts_with("components,"), "{sweep}");
    // No temporary files left behind.
    for e in std::fs::read_dir(&out_dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "stray {name}");
    }
}

#[test]
fn demo_refuses_a_missing_dataset_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("report");
    let missing = tmp.path().join("no-such-data");
    let out = facenmf(&[
        "demo",
        "--data",
        missing.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no-such-data"), "{stderr}");
    assert!(!out_dir.exists(), "a report folder was created");
}

/// Two synthetic datasets as cache folders: known people and strangers
/// (other identities, 5 pictures each so they can be newcomers).
fn synthetic_pair(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use facenmf_host::synthetic::{generate, Spec};
    let known = dir.join("known");
    let strangers = dir.join("strangers");
    let ds = generate(&Spec {
        people: 40,
        per_person: 12,
        ..Spec::default()
    });
    facenmf_host::data::cache::save(&ds, &known, None).unwrap();
    let st = generate(&Spec {
        people: 60,
        per_person: 5,
        seed: 7,
        ..Spec::default()
    });
    facenmf_host::data::cache::save(&st, &strangers, None).unwrap();
    (known, strangers)
}

#[test]
fn demo_with_strangers_trains_the_device_recipe_and_measures_the_strangers() {
    let tmp = tempfile::tempdir().unwrap();
    let (known, strangers) = synthetic_pair(tmp.path());
    let out_dir = tmp.path().join("report");
    let out = facenmf(&[
        "demo",
        known.to_str().unwrap(),
        "--strangers",
        strangers.to_str().unwrap(),
        "--no-firmware",
        "--sweep",
        "10",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let md = std::fs::read_to_string(out_dir.join("summary.md")).unwrap();
    assert!(md.contains("features lbp:6x5"), "{md}");
    assert!(md.contains("Decision runner-up-ratio:1"), "{md}");
    assert!(md.contains("30 others (150 images) measured them"), "{md}");
    // An LBP basis is not a set of pictures: no picture of it is drawn.
    assert!(!out_dir.join("components.png").exists());
    assert!(!out_dir.join("reconstructions.png").exists());
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["features"], "lbp:6x5");
    assert_eq!(s["openset"]["known_people"], 40);
    assert_eq!(s["openset"]["evaluation_people"], 30);
    let decision = &s["openset"]["decisions"][0];
    assert_eq!(decision["decision"], "runner-up-ratio:1");
    let newcomers = decision["newcomers"].as_array().unwrap();
    assert_eq!(newcomers.len(), 2, "{decision}");
    assert_eq!(newcomers[1]["photos"], 3);
    assert_eq!(
        newcomers[1]["people"], 30,
        "every evaluation stranger has 5 pictures"
    );
    let at_5 = decision["operating"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["far_target"] == 0.05)
        .unwrap();
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["features"], "lbp:6x5");
    assert_eq!(
        model["threshold"].as_f64().unwrap() as f32,
        at_5["threshold"].as_f64().unwrap() as f32,
        "the model carries the 5% threshold"
    );
    // The check ran on every test face (whether an LBP basis of synthetic
    // faces passes it is not this test's subject; real faces pass it in the
    // tests crate).
    assert_eq!(s["check"]["n"], 80, "{}", s["check"]);
}

#[test]
fn demo_refuses_strangers_of_another_size_before_writing() {
    use facenmf_host::synthetic::{generate, Spec};
    let tmp = tempfile::tempdir().unwrap();
    let (known, _) = synthetic_pair(tmp.path());
    let small = tmp.path().join("small");
    let st = generate(&Spec {
        people: 4,
        per_person: 2,
        height: 32,
        width: 32,
        seed: 9,
    });
    facenmf_host::data::cache::save(&st, &small, None).unwrap();
    let out_dir = tmp.path().join("report");
    let out = facenmf(&[
        "demo",
        known.to_str().unwrap(),
        "--strangers",
        small.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("--strangers") && stderr.contains("32x32"),
        "{stderr}"
    );
    assert!(!out_dir.exists(), "a report folder was created");
}
