//! `facenmf data info|convert|show` on the three shared datasets, through the
//! same argument parser as the binary.

use clap::Parser;
use facenmf_host::cli::data::{run_data, DataCommand};
use facenmf_host::data::{cache, source};
use facenmf_tests::data_dir;

#[derive(Debug, Parser)]
struct Args {
    #[command(subcommand)]
    command: DataCommand,
}

fn run(args: &[&str]) -> anyhow::Result<()> {
    let mut v = vec!["data"];
    v.extend_from_slice(args);
    run_data(Args::try_parse_from(v)?.command)
}

#[test]
fn info_show_convert_on_shared_data() {
    let (Some(oli), Some(lfw_cache), Some(lfw_jpegs)) = (
        data_dir::dataset("olivetti"),
        data_dir::dataset("lfw_people_min20_r07"),
        data_dir::dataset("lfw_funneled_min20"),
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let mat = oli.join("olivettifaces.mat");
    for src in [s(&oli), s(&mat), s(&lfw_cache)] {
        run(&["info", &src]).unwrap();
        run(&["info", &src, "--json", "--max-per-person", "5"]).unwrap();
        let png = tmp.path().join("sheet.png");
        run(&["show", &src, "--out", &s(&png), "--people", "3"]).unwrap();
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    }
    // detection
    assert_eq!(source::detect(&oli).unwrap().0, source::Format::Cache);
    assert_eq!(source::detect(&mat).unwrap().0, source::Format::Mat);
    assert_eq!(source::detect(&lfw_jpegs).unwrap().0, source::Format::Lfw);
    run(&["info", &s(&oli), "--format", "mat"]).unwrap_err(); // a folder is not a .mat
    run(&["info", &s(&mat), "--resize", "0.5"]).unwrap_err();

    // the .mat converted to the cache format loads back (within the u8 rounding)
    let out = tmp.path().join("oli_cache");
    run(&[
        "convert",
        &s(&mat),
        "--out",
        &s(&out),
        "--max-per-person",
        "2",
    ])
    .unwrap();
    let back = cache::load(&out).unwrap();
    assert_eq!((back.len(), back.class_names.len()), (80, 40));
    let orig = source::load(
        &mat,
        &source::LoadOptions {
            max_per_person: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    let worst = back
        .images
        .iter()
        .zip(&orig.images)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(worst <= 0.5 / 255.0 + 1e-6, "{worst}");

    // a small LFW selection (min 100 faces: 5 people) through convert
    let out = tmp.path().join("lfw100");
    run(&[
        "convert",
        &s(&lfw_jpegs),
        "--min-faces",
        "100",
        "--resize",
        "0.4",
        "--out",
        &s(&out),
    ])
    .unwrap();
    let l = cache::load(&out).unwrap();
    assert_eq!(
        l.class_names,
        vec![
            "Colin Powell",
            "Donald Rumsfeld",
            "George W Bush",
            "Gerhard Schroeder",
            "Tony Blair"
        ]
    );
    assert_eq!((l.len(), l.height, l.width), (1140, 50, 37));
}

#[test]
fn cli_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    let e = format!(
        "{:#}",
        run(&["info", missing.to_str().unwrap()]).unwrap_err()
    );
    assert!(
        e.contains("missing") && e.contains("no such file or folder"),
        "{e}"
    );
    assert!(run(&["info", ".", "--slice", "5:1,0:3"]).is_err());
    assert!(run(&["info", ".", "--size", "0x3"]).is_err());
}
