//! The `facenmf` binary's data commands end to end on small pictures made here.

use std::path::Path;
use std::process::Command;

fn facenmf(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn pgm(path: &Path, w: usize, h: usize, seed: u8) {
    let mut b = format!("P5\n{w} {h}\n255\n").into_bytes();
    b.extend((0..w * h).map(|k| (k as u8).wrapping_mul(3).wrapping_add(seed)));
    std::fs::write(path, b).unwrap();
}

#[test]
fn info_convert_show_fetch_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("people");
    for (p, n) in [("ann", 3), ("bo", 2)] {
        std::fs::create_dir_all(d.join(p)).unwrap();
        for k in 0..n {
            pgm(&d.join(p).join(format!("{k}.pgm")), 40, 50, k as u8);
        }
    }
    let ds = d.to_str().unwrap();
    let (ok, out, err) = facenmf(&["data", "info", ds, "--resize", "0.5"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("images:            5") && out.contains("25 x 20"),
        "{out}"
    );
    let (ok, out, _) = facenmf(&["data", "info", ds, "--json", "--min-faces", "3"]);
    assert!(ok && out.contains("\"people\": 1"), "{out}");

    let cache = tmp.path().join("cache");
    let (ok, _, err) = facenmf(&[
        "data",
        "convert",
        ds,
        "--slice",
        "5:45,0:40",
        "--out",
        cache.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let (ok, out, err) = facenmf(&["data", "info", cache.to_str().unwrap(), "--json"]);
    assert!(ok && out.contains("\"height\": 40"), "{out}{err}");

    let png = tmp.path().join("s.png");
    let (ok, _, err) = facenmf(&["data", "show", ds, "--out", png.to_str().unwrap()]);
    assert!(ok && png.is_file(), "{err}");

    // bad input: clear messages, non-zero exit
    let (ok, _, err) = facenmf(&["data", "info", ds, "--resize", "0"]);
    assert!(!ok && err.contains("resize must be > 0"), "{err}");
    let (ok, _, err) = facenmf(&["data", "info", ds, "--slice", "0:60,0:10"]);
    assert!(
        !ok && err.contains("0.pgm") && err.contains("outside the 50 x 40 image"),
        "{err}"
    );
    std::fs::write(d.join("bo/1.pgm"), b"P5\n40 50\n255\nxx").unwrap();
    let (ok, _, err) = facenmf(&["data", "info", ds]);
    assert!(
        !ok && err.contains("1.pgm") && err.contains("truncated PGM"),
        "{err}"
    );
    let (ok, out, err) = facenmf(&["data", "info", ds, "--skip-corrupt"]);
    assert!(
        ok && out.contains("images:            4") && err.contains("warning: skipped"),
        "{out}{err}"
    );

    // fetch from a local file with the wrong checksum leaves nothing behind
    let home = tmp.path().join("home");
    let (ok, _, err) = facenmf(&[
        "fetch",
        "olivetti",
        "--from",
        png.to_str().unwrap(),
        "--dir",
        home.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("s.png") && err.contains("sha256"),
        "{err}"
    );
    assert!(!home.join("olivetti/olivettifaces.mat").exists());
}
