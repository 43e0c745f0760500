//! `facenmf sweep`: the evaluation over a range of component counts (table,
//! CSV, chart).

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::output::{check_output_path, pct};
use super::study::{CommonArgs, SketchRank};
use crate::eval::sweep::{sweep_chart, sweep_csv, SweepRow};
use crate::eval::{eval_nmf, eval_pca, EvalConfig, PcaFits, Sketches};

/// `facenmf sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Component counts: `A..=B:STEP` (or `A..B:STEP`, or a comma list).
    #[arg(long, default_value = "10..=200:10")]
    pub components: String,
    /// Write the table as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Draw accuracy against the number of components (NMF and PCA, both protocols) to this PNG.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Print one JSON object (`{"rows": [...]}`) instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `facenmf sweep`.
pub fn run_sweep(args: SweepArgs) -> Result<()> {
    let c = &args.common;
    let ks = super::parse::components(&args.components)?;
    for (p, what) in [(&args.plot, "--plot"), (&args.csv, "--csv")] {
        if let Some(p) = p {
            check_output_path(p, what)?;
        }
    }
    if let (Some(SketchRank::Fixed(l)), Some(&k)) = (c.sketch, ks.iter().max()) {
        if k > l {
            bail!("--sketch {l} is below the largest component count ({k}): a sketch needs rank at least k");
        }
    }
    let ds = c.load()?;
    let split = ds.train_test_split(c.test_size, c.seed, c.stratify)?;
    let t0 = std::time::Instant::now();
    let mut table = Vec::new();
    if !args.json {
        println!(
            "{:>5} | {:>7} {:>6} {:>7} | {:>8} {:>9} {:>8} | {:>8} {:>9} {:>8}",
            "k",
            "fit s",
            "iter",
            "rel err",
            "nmf ind",
            "nmf trans",
            "recipe",
            "pca ind",
            "pca trans",
            "fisher"
        );
    }
    // One PCA fit and one sketch per protocol at the largest count; each
    // row truncates them.
    let k_max = ks.iter().copied().max().unwrap_or(1);
    let transductive = c.config(k_max).transductive;
    let pca_fits = (!c.no_pca).then(|| {
        PcaFits::fit(
            &ds,
            &split.train_indices,
            k_max,
            transductive,
            c.seed as u64,
        )
    });
    let sketches = c.sketch.map(|rule| {
        std::sync::Arc::new(Sketches::new(
            &ds,
            &split.train_indices,
            rule.rank(k_max),
            transductive,
            c.seed as u64,
        ))
    });
    for &k in &ks {
        let cfg = EvalConfig {
            sketches: sketches.clone(),
            side_by_side: true,
            ..c.config(k)
        };
        let nmf = eval_nmf(&ds, &split.train_indices, &split.test_indices, &cfg)?;
        let pca = pca_fits
            .as_ref()
            .map(|fits| eval_pca(&ds, &split.train_indices, &split.test_indices, &cfg, fits))
            .transpose()?;
        let row = SweepRow {
            components: k,
            nmf,
            pca,
        };
        if !args.json {
            let p = row.pca.as_ref();
            println!(
                "{:>5} | {:>7.2} {:>6} {:>7.4} | {:>8} {:>9} {:>8} | {:>8} {:>9} {:>8}",
                k,
                row.nmf.fit_seconds,
                row.nmf.n_iter,
                row.nmf.rel_error,
                pct(row.nmf.accuracy.inductive),
                pct(row.nmf.accuracy.transductive),
                pct(row.nmf.recipe_accuracy),
                pct(p.and_then(|p| p.accuracy.inductive)),
                pct(p.and_then(|p| p.accuracy.transductive)),
                pct(p.map(|p| p.fisherfaces)),
            );
        }
        table.push(row);
    }
    eprintln!(
        "sweep of {} component counts: {:.1} s",
        ks.len(),
        t0.elapsed().as_secs_f64()
    );
    if args.json {
        println!("{}", serde_json::json!({ "rows": table }));
    }
    if let Some(path) = &args.csv {
        crate::atomic::write(path, sweep_csv(&table).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "{} images of {} people, NMF {}: accuracy against the number of components",
            ds.len(),
            ds.class_names.len(),
            format!("{:?}", c.solver).to_lowercase()
        );
        crate::plot::write(&sweep_chart(&table, &title), path)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
