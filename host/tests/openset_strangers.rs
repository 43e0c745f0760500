//! `facenmf openset SOURCE --strangers DIR` and `facenmf train --strangers
//! DIR` through the binary, on synthetic faces: the known people and more
//! than 256 strangers (u16 labels) saved as cache folders. The report has
//! every figure; the model carries the first decision, its cohort and its
//! threshold, which the chip's vote applies exactly as the report says;
//! `check` passes on it; strangers of another image size are refused by
//! name and leave no file.

use std::path::Path;
use std::process::{Command, Output};

use facenmf_host::chip::Chip;
use facenmf_host::data::{cache, Dataset};
use facenmf_host::model::Model;
use facenmf_host::synthetic;
use facenmf_host::train;

fn facenmf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Known people (12 x 10, 48 x 48) and `people` strangers (5 pictures each,
/// `size` x `size`).
fn datasets(people: usize, size: usize) -> (Dataset, Dataset) {
    let known = synthetic::generate(&synthetic::Spec {
        people: 12,
        per_person: 10,
        height: 48,
        width: 48,
        seed: 5,
    });
    let strangers = synthetic::generate(&synthetic::Spec {
        people,
        per_person: 5,
        height: size,
        width: size,
        seed: 6,
    });
    (known, strangers)
}

/// Known people and 300 strangers (of another size if asked) as cache folders.
fn save(dir: &Path, strangers_size: usize) -> (String, String) {
    let (known, strangers) = datasets(300, strangers_size);
    let (k, s) = (dir.join("known"), dir.join("strangers"));
    cache::save(&known, &k, None).unwrap();
    cache::save(&strangers, &s, None).unwrap();
    (k.display().to_string(), s.display().to_string())
}

const RECIPE: [&str; 6] = ["--thumb", "24x24", "--components", "12", "--max-iter", "60"];

#[test]
fn openset_with_strangers_reports_every_figure_and_carries_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (known, strangers) = save(dir.path(), 48);
    let p = |name: &str| dir.path().join(name).display().to_string();
    let (model_path, csv, svg) = (p("model.json"), p("curves.csv"), p("curves.svg"));
    let mut args = vec![
        "openset",
        &known,
        "--strangers",
        &strangers,
        "--decision",
        "both-diff:4,distance,runner-up-ratio",
        "--cohort",
        "16",
        "--seed",
        "2",
        "--json",
        "--out",
        &model_path,
        "--csv",
        &csv,
        "--plot",
        &svg,
    ];
    args.extend(RECIPE);
    let out = facenmf(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["known_people"], 12);
    assert_eq!(r["cohort_people"], 16);
    let map = r["map_people"].as_u64().unwrap();
    assert!(
        map > 0,
        "every calibration stranger with 2+ pictures (up to half) teaches the map by default"
    );
    assert_eq!(
        r["calibration_people"].as_u64().unwrap()
            + 16
            + map
            + r["evaluation_people"].as_u64().unwrap(),
        300
    );
    let decisions = r["decisions"].as_array().unwrap();
    let names: Vec<&str> = decisions
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["both-diff:4", "distance", "runner-up-ratio:1"]);
    for d in decisions {
        let op = d["operating"].as_array().unwrap();
        assert_eq!(op.len(), 2);
        for (o, far) in op.iter().zip([0.01, 0.05]) {
            assert_eq!(o["far_target"], far);
            assert!(o["calibration_false_accept"].as_f64().unwrap() <= far);
            assert!((0.0..=1.0).contains(&o["false_accept"].as_f64().unwrap()));
        }
        let newcomers = d["newcomers"].as_array().unwrap();
        assert_eq!(newcomers.len(), 2);
        for (n, photos) in newcomers.iter().zip([1, 3]) {
            assert_eq!(n["photos"], photos);
            assert!(n["people"].as_u64().unwrap() > 100, "{n}");
            assert_eq!(
                n["probes"].as_u64().unwrap(),
                n["people"].as_u64().unwrap() * (5 - photos)
            );
            assert!(n["named"].as_f64().unwrap() <= n["closed_set"].as_f64().unwrap());
            // Every stranger has 5 pictures: all evaluation strangers are
            // newcomers, none is left to measure the grown gallery's rate.
            assert!(n["false_accept"].is_null(), "{n}");
            let again = &n["recalibrated"];
            assert!(
                again["named"].as_f64().unwrap() <= n["closed_set"].as_f64().unwrap(),
                "{n}"
            );
            if d["decision"] == "distance" {
                // More templates only bring strangers nearer: the threshold
                // chosen again on the grown gallery is no larger.
                let t5 = d["operating"][1]["threshold"].as_f64().unwrap();
                assert!(again["threshold"].as_f64().unwrap() <= t5, "{n}");
            }
        }
    }
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert!(csv_text.starts_with("decision,half,threshold,known_correct,false_accept\n"));
    assert!(csv_text.contains("\ndistance,evaluation,"));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));

    // The model carries the first decision, a cohort of 16 and the 5% threshold.
    let model = Model::load(Path::new(&model_path)).unwrap();
    let budget = facenmf_host::budget::Shape::of(&model).budget(usize::from(model.max_sweeps), 0);
    assert_eq!(
        r["budget"]["flash_bytes"].as_u64().unwrap(),
        budget.flash_bytes as u64,
        "the report's flash is the carried model's"
    );
    let rule = model.decision.as_ref().expect("a decision");
    assert_eq!(rule.score.to_string(), "both-diff:4");
    assert_eq!(rule.cohort.len(), 16 * model.m());
    let t5 = decisions[0]["operating"][1]["threshold"].as_f64().unwrap() as f32;
    assert_eq!(model.threshold, Some(t5));
    // The chip's vote with the model's threshold names the known test
    // probes as the report says.
    let ds = cache::load(Path::new(&known)).unwrap();
    let test = train::test_split(&model, &ds).unwrap();
    let seen = Chip::new(&model)
        .unwrap()
        .see_all(&test, model.threshold.unwrap())
        .unwrap();
    let named = seen
        .iter()
        .zip(&test.labels)
        .filter(|(s, &l)| s.known() && s.decision.label == l)
        .count() as f64
        / test.len() as f64;
    let reported = decisions[0]["operating"][1]["known_named"]
        .as_f64()
        .unwrap();
    assert!(
        (named - reported).abs() < 1e-12,
        "{named} against {reported}"
    );
    assert!(seen.iter().all(|s| s.decision.score != s.decision.distance));

    // `check` compares the kernel with the reference on that model.
    let out = facenmf(&["check", "--model", &model_path, &known]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("PASS"), "{}", text(&out.stdout));

    // The model exports with its decision.
    let rust = facenmf_host::export::render(&model).unwrap();
    assert!(rust.contains("pub const COHORT_LEN: usize = 16;"));
    assert!(rust.contains("impostors: Impostors::Both,"));
}

#[test]
fn train_with_strangers_calibrates_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (known, strangers) = save(dir.path(), 48);
    let model_path = dir.path().join("model.json").display().to_string();
    let mut args = vec![
        "train",
        &known,
        "--strangers",
        &strangers,
        "--decision",
        "cohort-diff:8",
        "--cohort",
        "32",
        "--out",
        &model_path,
    ];
    args.extend(RECIPE);
    let out = facenmf(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("decision cohort-diff:8"));
    let model = Model::load(Path::new(&model_path)).unwrap();
    assert_eq!(
        model.decision.as_ref().unwrap().cohort.len(),
        32 * model.m()
    );
    assert!(model.threshold.is_some());
    // Without strangers a decision cannot be calibrated.
    for cmd in ["train", "openset"] {
        let mut args = vec![
            cmd,
            &known,
            "--decision",
            "cohort-diff:8",
            "--out",
            &model_path,
        ];
        args.extend(RECIPE);
        let out = facenmf(&args);
        assert!(!out.status.success(), "{cmd}");
        let err = text(&out.stderr);
        assert!(err.contains("--decision needs --strangers"), "{cmd}: {err}");
    }
}

#[test]
fn strangers_of_another_size_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (known, strangers) = save(dir.path(), 40);
    let model_path = dir.path().join("model.json");
    let model_arg = model_path.display().to_string();
    let mut args = vec![
        "openset",
        &known,
        "--strangers",
        &strangers,
        "--out",
        &model_arg,
    ];
    args.extend(RECIPE);
    let out = facenmf(&args);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&strangers) && err.contains("40x40") && err.contains("48x48"),
        "{err}"
    );
    assert!(err.contains("same cut and size"), "{err}");
    assert!(!model_path.exists(), "a refused run writes no model");
}

/// Extra thumbnails of the known people (as `--located-from` gives) reach
/// the model trained with strangers: its class means move; without them
/// the model is the plain one, bit for bit.
#[test]
fn strangers_run_takes_extra_thumbnails_of_the_known_people() {
    use facenmf_core::thumbnail::Crop;
    use facenmf_host::openset::strangers;
    let (known, st) = datasets(60, 48);
    let mut spec = train::Spec {
        thumb: (24, 24),
        ..train::Spec::raw()
    };
    spec.nmf.n_components = 12;
    spec.nmf.max_iter = 60;
    let opts = strangers::Options {
        map_people: 0,
        ..strangers::Options::default()
    };
    let whole = Crop {
        x: 0,
        y: 0,
        width: 48,
        height: 48,
    };
    let mut thumbs = known.thumbnails(whole, 24, 24).unwrap();
    thumbs
        .images
        .iter_mut()
        .for_each(|v| *v = (*v * 0.8).min(1.0));
    let run = |extra: train::Extra| {
        strangers::run(&known, &st, &spec, &opts, extra, Default::default())
            .unwrap()
            .0
    };
    let plain = run(train::Extra::default());
    let again = run(train::Extra::default());
    let more = run(train::Extra {
        thumbs: Some(thumbs),
        ..train::Extra::default()
    });
    let means =
        |m: &Model| -> Vec<f32> { m.templates.iter().flat_map(|t| t.vector.clone()).collect() };
    assert_eq!(means(&plain), means(&again), "deterministic");
    assert_ne!(
        means(&plain),
        means(&more),
        "the extra thumbnails reach the class means"
    );
}
