//! `facenmf sweep --sketch`: a fixed rank smaller than the largest component
//! count, or a factor below 1k, is refused before anything is loaded or
//! fitted.

use std::process::Command;

#[test]
fn sweep_refuses_a_sketch_below_the_largest_k_up_front() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-dataset");
    let out = Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .args(["sweep", "--data", missing.to_str().unwrap()])
        .args([
            "--components",
            "10,60",
            "--solver",
            "hals",
            "--sketch",
            "40",
        ])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("--sketch 40") && err.contains("(60)"),
        "expected the sketch error before loading: {err}"
    );
}

#[test]
fn sweep_refuses_a_sketch_factor_below_one() {
    for (arg, want) in [("0.5k", "at least 1"), ("twok", "expected a rank")] {
        let out = Command::new(env!("CARGO_BIN_EXE_facenmf"))
            .args(["sweep", "--data", "/no/such/dataset", "--components", "10"])
            .args(["--solver", "hals", "--sketch", arg])
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains(want), "--sketch {arg}: {err}");
    }
}
