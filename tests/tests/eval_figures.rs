//! The trainer's figures on Olivetti, through the same argument parsers as
//! the binary: `facenmf sweep --plot`.

use clap::Parser;
use facenmf_host::data::decode::decode_file;
use facenmf_host::eval::cli::{run_sweep, SweepArgs};
use facenmf_tests::data_dir;
use std::path::Path;

#[derive(Debug, Parser)]
struct Sweep {
    #[command(flatten)]
    args: SweepArgs,
}

fn sweep(args: &[&str]) -> anyhow::Result<()> {
    let v = std::iter::once("sweep").chain(args.iter().copied());
    run_sweep(Sweep::try_parse_from(v)?.args)
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Files in `dir` (a failed command must leave none, not even a temporary one).
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn sweep_plot_is_a_png_of_the_chart_size() {
    let Some(oli) = data_dir::dataset("olivetti") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (png, csv) = (tmp.path().join("sweep.png"), tmp.path().join("sweep.csv"));
    sweep(&[
        "--data",
        &s(&oli),
        "--components",
        "4,8",
        "--max-iter",
        "30",
        "--plot",
        &s(&png),
        "--csv",
        &s(&csv),
    ])
    .unwrap();
    assert!(std::fs::read(&png)
        .unwrap()
        .starts_with(b"\x89PNG\r\n\x1a\n"));
    let img = decode_file(&png).unwrap();
    assert_eq!((img.width, img.height, img.channels), (900, 560, 3));
    // Coloured lines were drawn (not a blank or gray-only chart).
    let coloured = img
        .data
        .chunks_exact(3)
        .filter(|p| p[0] != p[1] || p[1] != p[2])
        .count();
    assert!(coloured > 1000, "only {coloured} coloured pixels");
    let table = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(table.lines().count(), 3, "{table}");
    assert_eq!(files(tmp.path()), ["sweep.csv", "sweep.png"]);

    // A plot into a missing folder fails before any fitting, leaving nothing.
    let bad = tmp.path().join("nope").join("sweep.png");
    let t = std::time::Instant::now();
    let err = sweep(&["--data", &s(&oli), "--components", "4", "--plot", &s(&bad)]).unwrap_err();
    assert!(format!("{err:#}").contains("does not exist"), "{err:#}");
    assert!(t.elapsed().as_secs_f64() < 5.0);
    assert_eq!(files(tmp.path()), ["sweep.csv", "sweep.png"]);
}
