//! `facenmf recognise --locator` and `facenmf detect --model` through the
//! binary on generated whole frames (faces, face-free, all black), a corrupt
//! file and a frame of the wrong size; `--json` parses and has the issue's
//! shapes. Needs `$FACENMF_DATA` (`lfw_people_min20_r07`,
//! `lfw_funneled_min20`) and OpenCV's LBP cascade (`opencv-data`): skipped
//! loudly without them, a failure with `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use facenmf_host::frames::{generate, write_pgm};
use facenmf_host::locate::config::LocatorConfig;
use facenmf_host::locate::opencv::DEFAULT_CASCADE;

fn needed() -> Option<(PathBuf, PathBuf)> {
    let base = std::env::var_os("FACENMF_DATA").map(PathBuf::from);
    let cache = base.as_ref().map(|b| b.join("lfw_people_min20_r07"));
    let jpegs = base.as_ref().map(|b| b.join("lfw_funneled_min20"));
    let have = cache.as_ref().is_some_and(|p| p.is_dir())
        && jpegs.as_ref().is_some_and(|p| p.is_dir())
        && Path::new(DEFAULT_CASCADE).is_file();
    if have {
        return cache.zip(jpegs);
    }
    let msg = format!(
        "\n=== SKIPPED: needs FACENMF_DATA (={base:?}) holding lfw_people_min20_r07 and \
         lfw_funneled_min20, and {DEFAULT_CASCADE}.\n\
         === Get them with `FACENMF_DATA=../shared/data` and `apt-get install opencv-data`.\n"
    );
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "{msg}(CI=true: a missing dataset or tool is a failure)"
    );
    eprintln!("{msg}");
    None
}

fn facenmf(args: &[&str], paths: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn whole_frames_are_located_then_recognised() {
    let Some((cache, jpegs)) = needed() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let model = dir.join("model.json");
    let out = facenmf(
        &[
            "train",
            "--max-per-person",
            "50",
            "--components",
            "32",
            "--max-iter",
            "100",
            "--out",
            model.to_str().unwrap(),
        ],
        &[cache],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The locator with the box map `locator fit` learns on 1000 seed-1 frames.
    let locator = dir.join("locator.json");
    LocatorConfig {
        map: [202, 0, 4405, 3313],
        ..LocatorConfig::default()
    }
    .write(&locator)
    .unwrap();
    let frames = dir.join("frames");
    let truth = generate(&jpegs, &frames, 5, 16, 0.25).unwrap();
    let mut good: Vec<PathBuf> = truth.frames.iter().map(|f| frames.join(&f.file)).collect();
    let black = dir.join("black.pgm");
    write_pgm(&black, 160, 120, &[0; 160 * 120]).unwrap();
    good.push(black);

    // Good frames only: success, one answer each, the JSON.
    let loc_args = ["recognise", "--model", model.to_str().unwrap(), "--locator"];
    let mut args = loc_args.to_vec();
    args.extend([locator.to_str().unwrap(), "--json"]);
    let out = facenmf(&args, &good);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let answers = v["answers"].as_array().unwrap();
    assert_eq!(answers.len(), good.len());
    let mut faces = 0;
    for (a, f) in answers.iter().zip(&truth.frames) {
        assert_eq!(a["truth"].as_str().unwrap() == "no face", f.face.is_none());
        let b = &a["box"];
        if a["name"] == "no face" {
            assert!(b.is_null() && a["distance"].is_null(), "{a}");
            continue;
        }
        faces += 1;
        let n = |k: &str| b[k].as_f64().unwrap();
        assert!(n("top") + n("height") <= 120.0 && n("left") + n("width") <= 160.0);
        assert!(a["distance"].as_f64().unwrap() >= 0.0);
        assert!(a["nearest"].is_string() && a["runner_up"]["name"].is_string());
    }
    assert!(faces >= 8, "a face found on only {faces} of 12 face frames");
    assert_eq!(answers[16]["name"], "no face", "the black frame");
    assert!(answers[16]["truth"].is_null());
    assert_eq!(v["score"]["images"], 16);

    // detect --model finds locator.json beside the model: its boxes are
    // recognise's (the model's crop is its whole frame).
    let out = facenmf(
        &["detect", "--model", model.to_str().unwrap(), "--json"],
        &good,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = json(&out);
    for (f, a) in d["frames"].as_array().unwrap().iter().zip(answers) {
        let first = f["faces"].as_array().unwrap().first();
        match first {
            None => assert!(a["box"].is_null()),
            Some(face) => assert_eq!(face, &a["box"], "{}", f["file"]),
        }
    }

    // A corrupt file and a frame of the wrong size: named failures, the
    // others still answered, exit status failure.
    let corrupt = dir.join("corrupt.pgm");
    std::fs::write(&corrupt, b"P5\n160 120\n255\nshort").unwrap();
    let small = dir.join("small.pgm");
    write_pgm(&small, 80, 60, &[9; 80 * 60]).unwrap();
    let mixed = vec![good[0].clone(), corrupt.clone(), small.clone()];
    let out = facenmf(&args, &mixed);
    assert!(!out.status.success());
    let v = json(&out);
    assert_eq!(v["answers"].as_array().unwrap().len(), 1);
    let failures = v["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2);
    assert!(failures[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("corrupt.pgm"));
    let why = failures[1]["error"].as_str().unwrap();
    assert!(
        why.contains("small.pgm") && why.contains("80 x 60"),
        "{why}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("corrupt.pgm"), "{stderr}");

    // Text output: one line a frame, "no face" for the black one.
    let out = facenmf(
        &loc_args
            .iter()
            .copied()
            .chain([locator.to_str().unwrap()])
            .collect::<Vec<_>>(),
        &good[15..],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.ends_with("black.pgm: no face")),
        "{text}"
    );
}
