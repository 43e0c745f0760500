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
