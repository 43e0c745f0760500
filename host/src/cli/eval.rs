//! `facenmf eval`: NMF and the baselines at one component count, over one
//! split or averaged over several seeds.

use anyhow::Result;

use super::output::pct;
use super::study::CommonArgs;
use crate::eval::{eval_nmf, eval_pca, PcaFits};

/// `facenmf eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Number of NMF (and PCA) components.
    #[arg(long, default_value_t = 110)]
    pub components: usize,
    /// Split seeds to average over, e.g. `0..5` (overrides --seed).
    #[arg(long, value_name = "A..B")]
    pub seeds: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
    let s = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len().max(2) - 1) as f64).sqrt();
    (m, s)
}

/// Runs `facenmf eval`.
pub fn run_eval(args: EvalArgs) -> Result<()> {
    let c = &args.common;
    let ds = c.load()?;
    let seeds = match &args.seeds {
        Some(s) => super::parse::seeds(s)?,
        None => vec![c.seed],
    };
    let mut per_seed = Vec::new();
    for &seed in &seeds {
        let split = ds.train_test_split(c.test_size, seed, c.stratify)?;
        let mut cfg = c.config(args.components);
        cfg.nmf.seed = seed as u64;
        let nmf = eval_nmf(&ds, &split.train_indices, &split.test_indices, &cfg)?;
        let pca = (!c.no_pca)
            .then(|| {
                let fits = PcaFits::fit(
                    &ds,
                    &split.train_indices,
                    args.components,
                    cfg.transductive,
                    seed as u64,
                );
                eval_pca(&ds, &split.train_indices, &split.test_indices, &cfg, &fits)
            })
            .transpose()?;
        per_seed.push((
            seed,
            split.train_indices.len(),
            split.test_indices.len(),
            nmf,
            pca,
        ));
    }
    let recipe: Vec<f64> = per_seed
        .iter()
        .filter_map(|s| s.3.recipe_accuracy)
        .collect();
    let fisher: Vec<f64> = per_seed
        .iter()
        .filter_map(|s| s.4.as_ref().map(|p| p.fisherfaces))
        .collect();
    let fisher_aug: Vec<f64> = per_seed
        .iter()
        .filter_map(|s| s.4.as_ref().and_then(|p| p.fisherfaces_augmented))
        .collect();
    let ind: Vec<f64> = per_seed
        .iter()
        .filter_map(|s| s.3.accuracy.inductive)
        .collect();
    let first = &per_seed[0];
    let sketch_rank = c.sketch.map(|r| r.rank(args.components));
    if args.json {
        let runs: Vec<_> = per_seed
            .iter()
            .map(|(seed, ntr, nte, nmf, pca)| serde_json::json!({"seed": seed, "n_train": ntr, "n_test": nte, "nmf": nmf, "pca": pca}))
            .collect();
        let (rm, rs) = mean_std(&recipe);
        let (fm, fs) = mean_std(&fisher);
        let (im, is) = mean_std(&ind);
        let fisher_aug = (!fisher_aug.is_empty()).then(|| mean_std(&fisher_aug));
        let cfg_recipe = c.config(args.components).recipe;
        let v = serde_json::json!({
            "data": ds.source,
            "images": ds.len(),
            "people": ds.class_names.len(),
            "components": args.components,
            "solver": c.solver,
            "sketch": sketch_rank,
            "seeds": seeds,
            "accuracy": first.3.accuracy,
            "fit_seconds": first.3.fit_seconds,
            "n_iter": first.3.n_iter,
            "rel_error": first.3.rel_error,
            "recipe_accuracy": first.3.recipe_accuracy,
            "recipe": cfg_recipe,
            "pca": first.4,
            "mean": {"inductive": [im, is], "recipe": [rm, rs], "fisherfaces": [fm, fs], "fisherfaces_augmented": fisher_aug.map(|(m, s)| [m, s])},
            "runs": runs,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "{}: {} images, {} people, {}x{}; k = {}, solver {:?}{}",
        ds.source,
        ds.len(),
        ds.class_names.len(),
        ds.height,
        ds.width,
        args.components,
        c.solver,
        sketch_rank.map_or(String::new(), |l| format!(" on a rank-{l} sketch"))
    );
    println!(
        "{:>5} {:>6} {:>6} | {:>7} {:>6} {:>7} | {:>10} {:>10} {:>8} | {:>9} {:>9} {:>9} {:>9} {:>8}",
        "seed", "train", "test", "fit s", "iter", "rel err", "nmf ind", "nmf trans", "recipe", "pca ind", "pca trans", "pcaw ind", "pcaw tr", "fisher"
    );
    for (seed, ntr, nte, n, p) in &per_seed {
        let (pi, pt, wi, wt, f) = match p {
            Some(p) => (
                p.accuracy.inductive,
                p.accuracy.transductive,
                p.whiten_accuracy.inductive,
                p.whiten_accuracy.transductive,
                Some(p.fisherfaces),
            ),
            None => (None, None, None, None, None),
        };
        println!(
            "{:>5} {:>6} {:>6} | {:>7.2} {:>6} {:>7.4} | {:>10} {:>10} {:>8} | {:>9} {:>9} {:>9} {:>9} {:>8}",
            seed,
            ntr,
            nte,
            n.fit_seconds,
            n.n_iter,
            n.rel_error,
            pct(n.accuracy.inductive),
            pct(n.accuracy.transductive),
            pct(n.recipe_accuracy),
            pct(pi),
            pct(pt),
            pct(wi),
            pct(wt),
            pct(f)
        );
    }
    if seeds.len() > 1 {
        // A method that did not run (--no-recipe, --no-pca) prints "-", not a mean of nothing.
        let ms = |v: &[f64]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                let (m, s) = mean_std(v);
                format!("{:.1} ± {:.1}%", 100.0 * m, 100.0 * s)
            }
        };
        println!(
            "mean over {} seeds: nmf 1-NN inductive {}, recipe {}, Fisherfaces {}",
            seeds.len(),
            ms(&ind),
            ms(&recipe),
            ms(&fisher)
        );
        if !fisher_aug.is_empty() {
            println!(
                "Fisherfaces with the recipe's copies and decision: {}",
                ms(&fisher_aug)
            );
        }
    }
    Ok(())
}
