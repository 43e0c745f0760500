//! The trainer's figures on Olivetti, through the same argument parsers as
//! the binary: `facenmf sweep --plot` and `facenmf components`.

use clap::Parser;
use facenmf_host::cli::components::{run_components, ComponentsArgs};
use facenmf_host::cli::sweep::{run_sweep, SweepArgs};
use facenmf_host::data::decode::decode_file;
use facenmf_tests::data_dir;
use std::path::Path;

#[derive(Debug, Parser)]
struct Sweep {
    #[command(flatten)]
    args: SweepArgs,
}

#[derive(Debug, Parser)]
struct Components {
    #[command(flatten)]
    args: ComponentsArgs,
}

fn sweep(args: &[&str]) -> anyhow::Result<()> {
    let v = std::iter::once("sweep").chain(args.iter().copied());
    run_sweep(Sweep::try_parse_from(v)?.args)
}

fn components(args: &[&str]) -> anyhow::Result<()> {
    let v = std::iter::once("components").chain(args.iter().copied());
    run_components(Components::try_parse_from(v)?.args)
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
    assert_eq!((img.width, img.height, img.channels), (960, 560, 3));
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

#[test]
fn components_grid_and_reconstructions_on_olivetti() {
    let Some(oli) = data_dir::dataset("olivetti") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (grid, recon) = (tmp.path().join("grid.png"), tmp.path().join("recon.png"));
    let base = ["--data", &s(&oli), "--max-iter", "60"];
    let run = |extra: &[&str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        components(&v)
    };
    run(&[
        "--components",
        "12",
        "--out",
        &s(&grid),
        "--reconstructions",
        &s(&recon),
        "--faces",
        "5",
    ])
    .unwrap();
    // 12 components of 64x64, about square: 4 columns, 3 rows, 2-pixel gaps.
    let g = decode_file(&grid).unwrap();
    assert_eq!((g.width, g.height, g.channels), (4 * 66 + 2, 3 * 66 + 2, 1));
    // Each component is scaled to its own maximum: every cell reaches white.
    for i in 0..12 {
        let (x0, y0) = (2 + (i % 4) * 66, 2 + (i / 4) * 66);
        let max = (0..64)
            .flat_map(|r| (0..64).map(move |c| (r, c)))
            .map(|(r, c)| g.data[(y0 + r) * g.width + x0 + c])
            .max()
            .unwrap();
        assert_eq!(max, 255, "component {i}");
    }
    // Reconstructions: 3 rows of 5 faces; WH close to X (a 12-component fit
    // of Olivetti keeps most of each face), the residual row darker.
    let r = decode_file(&recon).unwrap();
    assert_eq!((r.height, r.channels), (3 * 66 + 2, 1));
    let x0 = r.width - 2 - 5 * 66;
    let row_mean = |row: usize| {
        let mut sum = 0u64;
        for f in 0..5 {
            for y in 0..64 {
                for x in 0..64 {
                    sum += u64::from(r.data[(2 + row * 66 + y) * r.width + x0 + f * 66 + x]);
                }
            }
        }
        sum as f64 / (5.0 * 64.0 * 64.0)
    };
    let (orig, wh, res) = (row_mean(0), row_mean(1), row_mean(2));
    assert!((orig - wh).abs() < 0.1 * orig, "{orig} {wh}");
    assert!(res < 0.5 * orig, "{res} {orig}");
    assert_eq!(files(tmp.path()), ["grid.png", "recon.png"]);

    // Errors: K = 0, K above what the nndsvda init allows, a missing folder,
    // the same file twice. None writes anything.
    let other = tmp.path().join("other.png");
    let bad_k = run(&["--components", "0", "--out", &s(&other)]).unwrap_err();
    assert!(format!("{bad_k:#}").contains("at least 1"), "{bad_k:#}");
    let big_k = run(&["--components", "5000", "--out", &s(&other)]).unwrap_err();
    assert!(format!("{big_k:#}").contains("5000"), "{big_k:#}");
    let missing = tmp.path().join("no").join("grid.png");
    let bad_path = run(&["--components", "4", "--out", &s(&missing)]).unwrap_err();
    assert!(
        format!("{bad_path:#}").contains("does not exist"),
        "{bad_path:#}"
    );
    let bad_recon = run(&[
        "--components",
        "4",
        "--out",
        &s(&other),
        "--reconstructions",
        &s(&missing),
    ])
    .unwrap_err();
    assert!(format!("{bad_recon:#}").contains("does not exist"));
    let same = run(&[
        "--components",
        "4",
        "--out",
        &s(&other),
        "--reconstructions",
        &s(&other),
    ])
    .unwrap_err();
    assert!(format!("{same:#}").contains("same file"), "{same:#}");
    assert_eq!(files(tmp.path()), ["grid.png", "recon.png"]);
}
