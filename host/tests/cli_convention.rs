//! The command line's conventions, through the binary: every command that
//! reads a dataset shows the same `SOURCE` argument and loading options;
//! old flag spellings stay accepted as hidden aliases.

use std::process::{Command, Output};

fn facenmf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_facenmf"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const LOADING: [&str; 7] = [
    "--format",
    "--min-faces",
    "--resize",
    "--slice",
    "--size",
    "--max-per-person",
    "--skip-corrupt",
];

#[test]
fn every_dataset_command_takes_source_and_the_same_loading_options() {
    for cmd in [
        &["data", "info"][..],
        &["data", "convert"],
        &["data", "show"],
        &["train"],
        &["check"],
        &["models"],
        &["openset"],
        &["eval"],
        &["sweep"],
        &["components"],
        &["bench"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = facenmf(&args);
        assert!(out.status.success(), "{cmd:?}: {}", text(&out.stderr));
        let help = text(&out.stdout);
        assert!(help.contains("[SOURCE]"), "{cmd:?} has no SOURCE:\n{help}");
        for opt in LOADING {
            assert!(help.contains(opt), "{cmd:?} lacks {opt}:\n{help}");
        }
        assert!(!help.contains("--data"), "{cmd:?} shows --data:\n{help}");
    }
}

#[test]
fn old_spellings_are_hidden_aliases() {
    // Parsed (the run then fails on the missing dataset, naming it), not
    // refused by the parser.
    let missing = "/nonexistent/faces";
    for args in [
        &["eval", "--data", missing, "--k", "3", "--no-l2"][..],
        &[
            "sweep",
            "--data",
            missing,
            "--transform-sweeps",
            "50",
            "--transform-tol",
            "1e-3",
        ],
        &["train", missing, "--k", "1", "--no-l2"],
        &["openset", missing, "--enrol", "1,2"],
    ] {
        let out = facenmf(args);
        let err = text(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains(missing), "{args:?}: {err}");
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
    }
    let help = text(&facenmf(&["eval", "--help"]).stdout);
    for old in ["--k ", "--no-l2", "--transform-sweeps", "--transform-tol"] {
        assert!(!help.contains(old), "eval shows {old}");
    }
    for new in ["--neighbours", "--no-normalize", "--sweeps", "--encode-tol"] {
        assert!(help.contains(new), "eval lacks {new}");
    }
    let out = facenmf(&["enrol", "--help"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // SOURCE and --data together are refused.
    let out = facenmf(&["data", "info", missing, "--data", missing]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("cannot be used with"));
}
