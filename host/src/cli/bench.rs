//! `facenmf bench`: facenmf's solvers against scikit-learn in one run, as
//! ratios (the machine may be shared, so only side-by-side numbers count).

use super::dataset::SourceArgs;
use crate::data::source::load;
use crate::nmf::linalg::gemm;
use crate::nmf::{self, NmfParams, Solver};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// `facenmf bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The dataset (the study's: lfw_people_min20_r07, a cache folder both
    /// sides read; --max-per-person defaults to the study's 50).
    #[command(flatten)]
    pub source: SourceArgs,
    /// Components.
    #[arg(long, default_value_t = 110)]
    pub components: usize,
    /// Python with scikit-learn 1.9.1 (default: bench/.venv/bin/python).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Write the table (Markdown) here too.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn timed(x: &[f32], n: usize, d: usize, p: &NmfParams) -> Result<nmf::NmfFit> {
    Ok(nmf::fit(x, n, d, p)?)
}

/// Runs `facenmf bench`.
pub fn run_bench(args: BenchArgs) -> Result<()> {
    let max_per_person = args.source.max_per_person.unwrap_or(50);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let py = args
        .python
        .clone()
        .unwrap_or_else(|| root.join("bench/.venv/bin/python"));
    eprintln!("scikit-learn side ({})...", py.display());
    let out = Command::new(&py)
        .arg(root.join("bench/sklearn_bench.py"))
        .arg("--data")
        .arg(args.source.path())
        .args([
            "--max-per-person",
            &max_per_person.to_string(),
            "--k",
            &args.components.to_string(),
        ])
        .output()
        .with_context(|| {
            format!(
                "running {} (make it with `bash bench/setup-venv.sh`)",
                py.display()
            )
        })?;
    if !out.status.success() {
        bail!(
            "scikit-learn bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let sk: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);

    let mut opts = args.source.options();
    opts.max_per_person = Some(max_per_person);
    let ds = load(args.source.path(), &opts)?;
    let (n, d, k) = (ds.len(), ds.pixels(), args.components);
    let x = &ds.images;
    eprintln!("facenmf side: {n} x {d}, k = {k}...");
    // GEMM rate: X (n×d) · Hᵀ (d×k), with Hᵀ stored row-major as
    // scikit-learn's side stores it (`X @ Ht`, Ht C-contiguous) and as `mu`
    // and `hals` keep it.
    let mut rng = nmf::rng::Rng::new(0);
    let ht: Vec<f32> = (0..d * k).map(|_| rng.uniform() as f32).collect();
    let mut c = vec![0.0f32; n * k];
    gemm(&mut c, x, (n, d), false, &ht, (d, k), false, false);
    let reps = 5;
    let t = Instant::now();
    for _ in 0..reps {
        gemm(&mut c, x, (n, d), false, &ht, (d, k), false, false);
    }
    let gflops = 2.0 * (n * d * k * reps) as f64 / t.elapsed().as_secs_f64() / 1e9;
    let base = NmfParams {
        n_components: k,
        tol: 0.0,
        ..NmfParams::default()
    };

    let per_iter = |solver: Solver, sketch: Option<usize>, i0: usize, i1: usize| -> Result<f64> {
        let a = timed(
            x,
            n,
            d,
            &NmfParams {
                solver,
                sketch,
                max_iter: i0,
                ..base.clone()
            },
        )?
        .fit_seconds;
        let b = timed(
            x,
            n,
            d,
            &NmfParams {
                solver,
                sketch,
                max_iter: i1,
                ..base.clone()
            },
        )?
        .fit_seconds;
        Ok((b - a) / (i1 - i0) as f64)
    };
    // Time to reach a loss: find the iteration with a traced run, then time an untraced run of that length.
    let time_to = |solver: Solver,
                   sketch: Option<usize>,
                   target: f64,
                   cap: usize|
     -> Result<Option<(usize, f64, f64)>> {
        let tr = timed(
            x,
            n,
            d,
            &NmfParams {
                solver,
                sketch,
                max_iter: cap,
                trace: true,
                stop_at: Some(target),
                ..base.clone()
            },
        )?;
        let Some(&(it, _, _)) = tr.trace.iter().find(|t| t.2 <= target) else {
            return Ok(None);
        };
        let run = timed(
            x,
            n,
            d,
            &NmfParams {
                solver,
                sketch,
                max_iter: it,
                ..base.clone()
            },
        )?;
        Ok(Some((it, run.fit_seconds, run.reconstruction_err)))
    };
    let mu_sk = &sk["mu"];
    let cd_sk = &sk["cd"];
    let ours_mu = timed(
        x,
        n,
        d,
        &NmfParams {
            solver: Solver::Mu,
            max_iter: 4000,
            tol: 1e-4,
            ..base.clone()
        },
    )?;
    // The same rule on a rank-2k sketch of X: mu's update with the two big
    // products from the sketch, the error still checked on X.
    let l = (2 * k).min(n.min(d));
    let sketch = Some(l);
    let ours_mu_sketch = timed(
        x,
        n,
        d,
        &NmfParams {
            solver: Solver::Mu,
            max_iter: 4000,
            tol: 1e-4,
            sketch,
            ..base.clone()
        },
    )?;
    let mut rows = vec![
        "| what | scikit-learn 1.9.1 | facenmf | ratio (sklearn / facenmf) |".to_string(),
        "|---|---|---|---|".to_string(),
        format!("| GEMM X·Hᵀ ({n}×{d}·{d}×{k}), GFLOP/s | {:.1} | {gflops:.1} | {:.2} |", f(&sk["gemm_gflops"]), gflops / f(&sk["gemm_gflops"])),
        format!(
            "| mu, study setting (tol 1e-4): iterations, s, ‖X−WH‖ | {} it, {:.2} s, {:.3} | {} it, {:.2} s, {:.3} | {:.2} |",
            mu_sk["n_iter"], f(&mu_sk["seconds"]), f(&mu_sk["reconstruction_err"]),
            ours_mu.n_iter, ours_mu.fit_seconds, ours_mu.reconstruction_err, f(&mu_sk["seconds"]) / ours_mu.fit_seconds
        ),
        format!(
            "| mu, study setting, on a rank-{l} sketch of X: iterations, s, ‖X−WH‖ | {} it, {:.2} s, {:.3} | {} it, {:.2} s, {:.3} | {:.2} |",
            mu_sk["n_iter"], f(&mu_sk["seconds"]), f(&mu_sk["reconstruction_err"]),
            ours_mu_sketch.n_iter, ours_mu_sketch.fit_seconds, ours_mu_sketch.reconstruction_err, f(&mu_sk["seconds"]) / ours_mu_sketch.fit_seconds
        ),
        format!(
            "| cd, 200 iterations: s, ‖X−WH‖ | {:.2} s, {:.3} | | |",
            f(&cd_sk["seconds"]), f(&cd_sk["reconstruction_err"])
        ),
    ];
    // On a rank-2k sketch of X (Erichson et al. 2018) the products cost
    // l (n + d) k instead of n d k; the loss is still measured on X.
    let mu_it = per_iter(Solver::Mu, None, 10, 40)?;
    let mu_sketch_it = per_iter(Solver::Mu, sketch, 10, 40)?;
    let cd_it = per_iter(Solver::Cd, None, 5, 15)?;
    let hals_it = per_iter(Solver::Hals, None, 5, 15)?;
    let sketch_it = per_iter(Solver::Hals, sketch, 5, 15)?;
    let flop_it = 4.0 * (n * d * k) as f64 / 1e9;
    rows.push(format!(
        "| mu, s per iteration (GFLOP/s in the two big products) | {:.3} ({:.0}) | {mu_it:.3} ({:.0}) | {:.2} |",
        f(&mu_sk["seconds_per_iter"]), flop_it / f(&mu_sk["seconds_per_iter"]), flop_it / mu_it, f(&mu_sk["seconds_per_iter"]) / mu_it
    ));
    rows.push(format!(
        "| mu on a rank-{l} sketch of X, s per iteration | {:.3} | {mu_sketch_it:.3} | {:.2} |",
        f(&mu_sk["seconds_per_iter"]),
        f(&mu_sk["seconds_per_iter"]) / mu_sketch_it
    ));
    rows.push(format!(
        "| cd, s per iteration | {:.3} | {cd_it:.3} | {:.2} |",
        f(&cd_sk["seconds_per_iter"]),
        f(&cd_sk["seconds_per_iter"]) / cd_it
    ));
    rows.push(format!(
        "| hals (accelerated), s per iteration | | {hals_it:.3} | |"
    ));
    rows.push(format!(
        "| hals on a rank-{l} sketch of X, s per iteration | | {sketch_it:.3} | |"
    ));
    for (name, target, sk_secs) in [
        (
            "mu's final loss",
            f(&mu_sk["reconstruction_err"]),
            f(&mu_sk["seconds"]),
        ),
        (
            "cd's loss after 200 it",
            f(&cd_sk["reconstruction_err"]),
            f(&cd_sk["seconds"]),
        ),
    ] {
        // (cd needs its 200 iterations by definition of the second target; mu never gets there cheaply.)
        let solvers: &[(Solver, Option<usize>)] = if sk_secs == f(&mu_sk["seconds"]) {
            &[
                (Solver::Mu, None),
                (Solver::Hals, None),
                (Solver::Hals, sketch),
            ]
        } else {
            &[(Solver::Hals, None), (Solver::Hals, sketch)]
        };
        for &(solver, sketch) in solvers {
            let cap = if solver == Solver::Mu { 1000 } else { 300 };
            let how = match sketch {
                Some(l) => format!("{solver:?} on a rank-{l} sketch"),
                None => format!("{solver:?}"),
            };
            match time_to(solver, sketch, target, cap)? {
                Some((it, secs, err)) => rows.push(format!(
                    "| time to reach {name} ({target:.3}) with {how} | {sk_secs:.2} s | {secs:.2} s ({it} it, {err:.3}) | {:.1} |",
                    sk_secs / secs
                )),
                None => rows.push(format!("| time to reach {name} ({target:.3}) with {how} | {sk_secs:.2} s | not within {cap} it | |")),
            }
        }
    }
    let table = rows.join("\n");
    println!("{table}");
    if let Some(p) = &args.out {
        crate::atomic::write(p, format!("{table}\n").as_bytes())?;
        eprintln!("wrote {}", p.display());
    }
    Ok(())
}
