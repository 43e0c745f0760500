//! `facenmf sweep` refuses a sketch smaller than its largest component count
//! before it loads anything or fits the smaller counts.

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
