//! Parity of facenmf's NMF solvers with scikit-learn 1.9.1, side by side on
//! Olivetti: both start from the same W and H (scikit-learn `init='custom'`),
//! run a fixed number of iterations, and the losses must agree (mu within
//! 0.5%, cd within 2%).
//!
//! scikit-learn comes from `bench/.venv` (made by `bash bench/setup-venv.sh`,
//! which `.ci/run` calls) or `$FACENMF_PYTHON`. Outside CI a missing Python
//! skips loudly; in CI it is a failure.

use facenmf_host::nmf::{self, BetaLoss, Init, NmfParams, Solver};
use facenmf_tests::data_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Olivetti as scikit-learn sees it: u8 / 242, 400 × 4096.
fn olivetti(dir: &Path) -> (Vec<f32>, usize, usize) {
    let bytes = std::fs::read(dir.join("images.u8")).expect("olivetti images.u8");
    assert_eq!(bytes.len(), 400 * 64 * 64);
    (bytes.iter().map(|&b| b as f32 / 242.0).collect(), 400, 4096)
}

fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let py = std::env::var_os("FACENMF_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("bench/.venv/bin/python"));
    let ok = Command::new(&py)
        .args([
            "-c",
            "import sklearn, sys; sys.exit(sklearn.__version__ != '1.9.1')",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(py);
    }
    let msg = format!(
        "\n=== SKIPPED: scikit-learn 1.9.1 not found at {py:?}.\n\
         === Run `bash bench/setup-venv.sh` (python3 -m venv + pip install scikit-learn==1.9.1)\n\
         === or point FACENMF_PYTHON at a python that has it.\n"
    );
    if data_dir::in_ci() {
        panic!("{msg}(CI=true: a missing scikit-learn is a failure)");
    }
    eprintln!("{msg}");
    None
}

fn write_f32(path: &Path, v: &[f32]) {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

/// Runs scikit-learn from (w0, h0) and returns its `reconstruction_err_`.
#[allow(clippy::too_many_arguments)]
fn sklearn_err(
    py: &Path,
    dir: &Path,
    tag: &str,
    k: usize,
    solver: &str,
    beta: &str,
    iters: usize,
    w0: &[f32],
    h0: &[f32],
) -> f64 {
    let tmp = std::env::temp_dir().join(format!("facenmf-parity-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let (wp, hp) = (tmp.join("w0.f32"), tmp.join("h0.f32"));
    write_f32(&wp, w0);
    write_f32(&hp, h0);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/sklearn_nmf.py");
    let out = Command::new(py)
        .arg(script)
        .args([
            "--data",
            dir.to_str().unwrap(),
            "--scale",
            "242",
            "--k",
            &k.to_string(),
        ])
        .args([
            "--solver",
            solver,
            "--beta-loss",
            beta,
            "--max-iter",
            &iters.to_string(),
            "--tol",
            "0",
        ])
        .arg("--w0")
        .arg(&wp)
        .arg("--h0")
        .arg(&hp)
        // One BLAS thread: the machine is shared, and oversubscription costs more than it gives.
        .env("OMP_NUM_THREADS", "1")
        .env("OPENBLAS_NUM_THREADS", "1")
        .output()
        .expect("run scikit-learn");
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        out.status.success(),
        "scikit-learn failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("scikit-learn JSON");
    assert_eq!(v["n_iter"].as_u64(), Some(iters as u64));
    v["reconstruction_err"].as_f64().unwrap()
}

fn parity(solver: Solver, beta: BetaLoss, k: usize, iters: usize, max_rel_diff: f64) {
    let Some(dir) = data_dir::dataset("olivetti") else {
        return;
    };
    let Some(py) = python() else { return };
    let (x, n, d) = olivetti(&dir);
    let (w0, h0) = nmf::init::initialize(&x, n, d, k, &Init::Random, 7, None).unwrap();
    let p = NmfParams {
        n_components: k,
        solver,
        beta_loss: beta,
        init: Some(Init::Custom {
            w: w0.clone(),
            h: h0.clone(),
        }),
        max_iter: iters,
        tol: 0.0,
        ..NmfParams::default()
    };
    let ours = nmf::fit(&x, n, d, &p).unwrap();
    assert_eq!(ours.n_iter, iters);
    let (sname, bname) = match (solver, beta) {
        (Solver::Mu, BetaLoss::Frobenius) => ("mu", "frobenius"),
        (Solver::Mu, BetaLoss::KullbackLeibler) => ("mu", "kullback-leibler"),
        (Solver::Cd, _) => ("cd", "frobenius"),
        (Solver::Hals, _) => unreachable!(),
    };
    let theirs = sklearn_err(
        &py,
        &dir,
        &format!("{sname}-{bname}"),
        k,
        sname,
        bname,
        iters,
        &w0,
        &h0,
    );
    let rel = (ours.reconstruction_err - theirs).abs() / theirs;
    eprintln!(
        "parity {sname}/{bname} k={k} {iters} it: facenmf {:.6} scikit-learn {theirs:.6} rel diff {:.3e} ({:.2} s)",
        ours.reconstruction_err, rel, ours.fit_seconds
    );
    assert!(
        rel <= max_rel_diff,
        "{sname}/{bname}: facenmf {} vs scikit-learn {theirs}",
        ours.reconstruction_err
    );
}

#[test]
fn nmf_parity_mu_frobenius() {
    parity(Solver::Mu, BetaLoss::Frobenius, 30, 100, 0.005);
}

#[test]
fn nmf_parity_mu_kullback_leibler() {
    parity(Solver::Mu, BetaLoss::KullbackLeibler, 20, 50, 0.005);
}

#[test]
fn nmf_parity_cd() {
    parity(Solver::Cd, BetaLoss::Frobenius, 30, 50, 0.02);
}
