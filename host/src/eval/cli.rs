//! `facenmf eval` and `facenmf sweep`.

use super::knn::Metric;
use super::{eval_nmf, eval_pca, Decision, EvalConfig, PcaFits, Recipe, Sketches};
use crate::data::source::{load, LoadOptions};
use crate::data::Dataset;
use crate::nmf::{Init, NmfParams, Solver};
use anyhow::{bail, Context, Result};
use facenmf_core::nnls::StopRule;
use std::path::PathBuf;

/// Which protocols to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// Fit on the training split, encode the test split (what a device does).
    Inductive,
    /// Fit on all images, split the codes (the study's protocol).
    Transductive,
    /// Both.
    Both,
}

/// The recipe's decision, by name (see [`Decision`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DecisionKind {
    /// Soft minimum of the cosine distances to every training face and copy.
    Parzen,
    /// The nearest class mean (the device's).
    ClassMean,
}

/// Starting factors, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitName {
    /// `|N(0,1)|·sqrt(mean/k)`.
    Random,
    /// NNDSVD.
    Nndsvd,
    /// NNDSVD, zeros filled with the mean.
    Nndsvda,
    /// NNDSVD, zeros filled with small random values.
    Nndsvdar,
}

impl From<InitName> for Init {
    fn from(i: InitName) -> Init {
        match i {
            InitName::Random => Init::Random,
            InitName::Nndsvd => Init::Nndsvd,
            InitName::Nndsvda => Init::Nndsvda,
            InitName::Nndsvdar => Init::Nndsvdar,
        }
    }
}

/// The dataset options of `eval`, `sweep` and `components`.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// The dataset: a cache folder, an LFW folder, an olivettifaces.mat or a folder of person folders.
    #[arg(long, value_name = "SOURCE")]
    pub data: PathBuf,
    /// Keep people with at least N images.
    #[arg(long, value_name = "N")]
    pub min_faces: Option<usize>,
    /// Keep the first N images of each person.
    #[arg(long, value_name = "N")]
    pub max_per_person: Option<usize>,
}

impl DataArgs {
    /// Loads the dataset, the error naming its path.
    pub fn load(&self) -> Result<Dataset> {
        let opts = LoadOptions {
            min_faces_per_person: self.min_faces,
            max_per_person: self.max_per_person,
            ..LoadOptions::default()
        };
        load(&self.data, &opts).with_context(|| format!("loading {}", self.data.display()))
    }
}

/// `--sketch`: a fixed rank `L`, or `Fk`, `F` times each fit's component
/// count (rounded up), which a sweep over `k` needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SketchRank {
    /// `L`.
    Fixed(usize),
    /// `F k`, `F ≥ 1`.
    PerComponent(f64),
}

impl SketchRank {
    /// The rank for a fit with `k` components.
    pub fn rank(self, k: usize) -> usize {
        match self {
            SketchRank::Fixed(l) => l,
            SketchRank::PerComponent(f) => (f * k as f64).ceil() as usize,
        }
    }
}

impl std::str::FromStr for SketchRank {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{s}`: expected a rank L or a multiple Fk of the components (e.g. 220 or 2k)")
        };
        match s.strip_suffix('k') {
            Some(f) => {
                let f: f64 = f.parse().map_err(|_| bad())?;
                if f.is_finite() && f >= 1.0 {
                    Ok(SketchRank::PerComponent(f))
                } else {
                    Err(format!(
                        "`{s}`: the factor must be at least 1 (a sketch needs rank ≥ k)"
                    ))
                }
            }
            None => s.parse().map(SketchRank::Fixed).map_err(|_| bad()),
        }
    }
}

/// A finite number above 0, else an error saying `expected`.
fn finite_above_zero(s: &str, expected: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}`: expected {expected}")),
    }
}

/// `--code-power`: a finite power above 0 (0 or less sends zero codes to
/// infinity or one).
fn positive_power(s: &str) -> Result<f32, String> {
    finite_above_zero(s, "a power above 0, e.g. 0.5 (square root) or 0.7")
}

/// `--parzen-width`: a finite width above 0.
fn positive_width(s: &str) -> Result<f32, String> {
    finite_above_zero(s, "a width above 0, e.g. 0.05")
}

/// Options shared by `eval` and `sweep`.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub dataset: DataArgs,
    /// Share of images in the test split.
    #[arg(long, default_value_t = 0.2)]
    pub test_size: f64,
    /// Seed of the split (scikit-learn's `random_state`: the same split) and of the fit.
    #[arg(long, default_value_t = 8)]
    pub seed: u32,
    /// Stratify the split by person.
    #[arg(long)]
    pub stratify: bool,
    /// NMF solver.
    #[arg(long, value_enum, default_value_t = Solver::Mu)]
    pub solver: Solver,
    /// NMF init (default: scikit-learn's, nndsvda).
    #[arg(long, value_enum)]
    pub init: Option<InitName>,
    /// hals: no extrapolation between iterations (Gillis & Glineur's HALS alone).
    #[arg(long)]
    pub no_extrapolate: bool,
    /// mu (Frobenius), cd, hals: take the big products from a randomised sketch of X of rank L, or of F times the component count with `Fk` (`2k` keeps the loss within a fraction of a percent; default: exact). A sweep makes one sketch per protocol at its largest rank and gives each fit its leading part.
    #[arg(long, value_name = "L|Fk")]
    pub sketch: Option<SketchRank>,
    /// Most NMF iterations.
    #[arg(long, default_value_t = 400)]
    pub max_iter: usize,
    /// NMF tolerance (scikit-learn's rule of the solver; 0 runs max_iter).
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// Neighbours of the k-NN.
    #[arg(long, default_value_t = 1)]
    pub k: usize,
    /// Metric of the k-NN.
    #[arg(long, value_enum, default_value_t = Metric::SquaredL2)]
    pub metric: Metric,
    /// Protocols to run.
    #[arg(long, value_enum, default_value_t = Protocol::Both)]
    pub protocol: Protocol,
    /// Most sweeps of the chip's NNLS per image in transform.
    #[arg(long, default_value_t = 200)]
    pub transform_sweeps: u16,
    /// Relative tolerance of the chip's NNLS in transform.
    #[arg(long, default_value_t = 1e-4)]
    pub transform_tol: f32,
    /// Skip the recipe (codes → power 0.7 → L2 → LDA → Parzen decision over the training faces and copies).
    #[arg(long)]
    pub no_recipe: bool,
    /// Recipe: no element-wise square root of the codes (same as --code-power 1).
    #[arg(long, conflicts_with = "code_power")]
    pub no_sqrt: bool,
    /// Recipe: raise the codes to this power element-wise (0.5: square root, as on the device; 1: none).
    #[arg(long, value_name = "P", default_value_t = Recipe::default().power, value_parser = positive_power)]
    pub code_power: f32,
    /// Recipe: no L2 normalisation of the codes.
    #[arg(long)]
    pub no_l2: bool,
    /// Recipe: metric of the nearest class mean in the LDA space (--decision class-mean; the Parzen decision is cosine).
    #[arg(long, value_enum, default_value_t = Metric::Cosine)]
    pub recipe_metric: Metric,
    /// Recipe: the decision in the LDA space (parzen: soft minimum of the cosine distances to every training face and copy; class-mean: the nearest class mean, as on the device).
    #[arg(long, value_enum, default_value_t = DecisionKind::Parzen)]
    pub decision: DecisionKind,
    /// Recipe: kernel width of the parzen decision, in cosine distance (unused with --decision class-mean).
    #[arg(long, value_name = "W", default_value_t = Decision::PARZEN_WIDTH, value_parser = positive_width)]
    pub parzen_width: f32,
    /// Recipe: ridge of the LDA's within-class scatter (relative to its mean diagonal).
    #[arg(long, default_value_t = 1e-6)]
    pub lda_reg: f64,
    /// Recipe and Fisherfaces: fit the LDA as scikit-learn's solver='svd' (rank cut-off at this tol, e.g. 1e-4) instead of the ridge.
    #[arg(long, value_name = "TOL")]
    pub lda_svd_tol: Option<f64>,
    /// Recipe: do not add the mirror image of each training face to the map's training set.
    #[arg(long)]
    pub no_augment_flip: bool,
    /// Recipe: add copies of each training face shifted by 1..=N pixels up, down, left and right (0: none).
    #[arg(long, value_name = "N", default_value_t = Recipe::default().augment.shift)]
    pub augment_shift: usize,
    /// Recipe: add copies of each training face turned by +DEG and −DEG degrees (0: none).
    #[arg(long, value_name = "DEG", default_value_t = Recipe::default().augment.turn)]
    pub augment_turn: u8,
    /// Recipe: add copies of each training face scaled by 1 ± PCT/100 about the centre (0: none).
    #[arg(long, value_name = "PCT", default_value_t = Recipe::default().augment.zoom)]
    pub augment_zoom: u8,
    /// Recipe: add the distances to the classes of N NMF bases (fits with seeds seed, seed + 1, …).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub ensemble: usize,
    /// Skip the PCA baselines.
    #[arg(long)]
    pub no_pca: bool,
    /// Show progress bars.
    #[arg(long)]
    pub progress: bool,
}

impl CommonArgs {
    fn load(&self) -> Result<Dataset> {
        self.dataset.load()
    }

    fn config(&self, k: usize) -> EvalConfig {
        EvalConfig {
            nmf: NmfParams {
                n_components: k,
                solver: self.solver,
                init: self.init.map(Init::from),
                max_iter: self.max_iter,
                tol: self.tol,
                extrapolate: !self.no_extrapolate,
                sketch: self.sketch.map(|r| r.rank(k)),
                seed: self.seed as u64,
                progress: self.progress,
                ..NmfParams::default()
            },
            knn_k: self.k,
            metric: self.metric,
            transform_rule: StopRule::new(self.transform_sweeps, self.transform_tol),
            sketches: None,
            side_by_side: false,
            recipe: (!self.no_recipe).then_some(Recipe {
                power: if self.no_sqrt { 1.0 } else { self.code_power },
                l2: !self.no_l2,
                metric: self.recipe_metric,
                decision: match self.decision {
                    DecisionKind::ClassMean => Decision::ClassMean,
                    DecisionKind::Parzen => Decision::Parzen {
                        width: self.parzen_width,
                    },
                },
                lda_reg: self.lda_reg,
                lda_svd_tol: self.lda_svd_tol,
                augment: super::augment::Augment {
                    flip: !self.no_augment_flip,
                    shift: self.augment_shift,
                    turn: self.augment_turn,
                    zoom: self.augment_zoom,
                },
                ensemble: self.ensemble,
            }),
            inductive: self.protocol != Protocol::Transductive,
            transductive: self.protocol != Protocol::Inductive,
        }
    }
}

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

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |a| format!("{:.1}%", 100.0 * a))
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
    let s = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len().max(2) - 1) as f64).sqrt();
    (m, s)
}

fn parse_seeds(s: &str) -> Result<Vec<u32>> {
    let (a, b) = s.split_once("..").context("--seeds wants A..B")?;
    let (a, b): (u32, u32) = (a.parse()?, b.trim_start_matches('=').parse()?);
    let b = if s.contains("..=") { b + 1 } else { b };
    if b <= a {
        bail!("--seeds: empty range");
    }
    Ok((a..b).collect())
}

/// Runs `facenmf eval`.
pub fn run_eval(args: EvalArgs) -> Result<()> {
    let c = &args.common;
    let ds = c.load()?;
    let seeds = match &args.seeds {
        Some(s) => parse_seeds(s)?,
        None => vec![c.seed],
    };
    let mut per_seed = Vec::new();
    for &seed in &seeds {
        let split = ds.train_test_split(c.test_size, seed, c.stratify)?;
        let mut cfg = c.config(args.components);
        cfg.nmf.seed = seed as u64;
        let nmf = eval_nmf(&ds, &split.train_indices, &split.test_indices, &cfg)?;
        let pca = (!c.no_pca).then(|| {
            let fits = PcaFits::fit(
                &ds,
                &split.train_indices,
                args.components,
                cfg.transductive,
                seed as u64,
            );
            eval_pca(&ds, &split.train_indices, &split.test_indices, &cfg, &fits)
        });
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
    /// Print JSON lines instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Fails early (before a long run) when `path` cannot be an output file: its
/// folder is missing or it is a folder.
pub fn check_output_path(path: &std::path::Path, what: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{what} {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() || path.file_name().is_none() {
        bail!("{what} {}: is a folder, not a file", path.display());
    }
    Ok(())
}

/// The sweep's chart: accuracy (%) against the number of components, one line
/// per method and protocol that was run (NMF and PCA 1-NN under both
/// protocols, PCA-whiten, and the inductive LDA recipes: NMF's, Fisherfaces
/// and Fisherfaces given the recipe's copies and decision).
pub fn sweep_chart(rows: &[SweepRow], title: &str) -> crate::plot::Chart {
    type Pick = fn(&SweepRow) -> Option<f64>;
    let lines: [(&str, Pick); 9] = [
        ("nmf inductive", |r| r.nmf.accuracy.inductive),
        ("nmf transductive", |r| r.nmf.accuracy.transductive),
        ("pca inductive", |r| r.pca.as_ref()?.accuracy.inductive),
        ("pca transductive", |r| {
            r.pca.as_ref()?.accuracy.transductive
        }),
        ("pca-w inductive", |r| {
            r.pca.as_ref()?.whiten_accuracy.inductive
        }),
        ("pca-w transduct.", |r| {
            r.pca.as_ref()?.whiten_accuracy.transductive
        }),
        ("nmf+lda inductive", |r| r.nmf.recipe_accuracy),
        ("fisherfaces ind.", |r| {
            r.pca.as_ref().map(|p| p.fisherfaces)
        }),
        ("fisher+copies", |r| r.pca.as_ref()?.fisherfaces_augmented),
    ];
    let series = lines
        .iter()
        .map(|(name, pick)| crate::plot::Series {
            name: (*name).to_string(),
            points: rows
                .iter()
                .filter_map(|r| pick(r).map(|a| (r.components as f64, 100.0 * a)))
                .collect(),
            scatter: false,
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    crate::plot::Chart {
        title: title.to_string(),
        x_label: "components k".to_string(),
        y_label: "accuracy (%)".to_string(),
        series,
    }
}

/// The sweep's table as CSV (one row a component count; empty cells for
/// what was not run).
pub fn sweep_csv(rows: &[SweepRow]) -> String {
    use std::fmt::Write as _;
    let mut f = String::from(
        "components,fit_seconds,n_iter,rel_error,nmf_inductive,nmf_transductive,recipe_inductive,pca_inductive,pca_transductive,pca_whiten_inductive,pca_whiten_transductive,fisherfaces_inductive,fisherfaces_augmented_inductive\n",
    );
    let o = |v: Option<f64>| v.map_or(String::new(), |a| format!("{a:.4}"));
    for r in rows {
        let p = r.pca.as_ref();
        let _ = writeln!(
            f,
            "{},{:.3},{},{:.5},{},{},{},{},{},{},{},{},{}",
            r.components,
            r.nmf.fit_seconds,
            r.nmf.n_iter,
            r.nmf.rel_error,
            o(r.nmf.accuracy.inductive),
            o(r.nmf.accuracy.transductive),
            o(r.nmf.recipe_accuracy),
            o(p.and_then(|p| p.accuracy.inductive)),
            o(p.and_then(|p| p.accuracy.transductive)),
            o(p.and_then(|p| p.whiten_accuracy.inductive)),
            o(p.and_then(|p| p.whiten_accuracy.transductive)),
            o(p.map(|p| p.fisherfaces)),
            o(p.and_then(|p| p.fisherfaces_augmented)),
        );
    }
    f
}

/// Parses `10..=200:10`, `10..200:10` or `10,20,40`.
pub fn parse_components(s: &str) -> Result<Vec<usize>> {
    if let Some((range, step)) = s.split_once(':') {
        let step: usize = step.parse().context("step")?;
        let (a, b) = range.split_once("..").context("A..=B:STEP")?;
        let incl = b.starts_with('=');
        let (a, b): (usize, usize) = (a.parse()?, b.trim_start_matches('=').parse()?);
        if step == 0 {
            bail!("step must be positive");
        }
        let v: Vec<usize> = (a..if incl { b + 1 } else { b }).step_by(step).collect();
        if v.is_empty() || v[0] == 0 {
            bail!("component counts must be positive");
        }
        return Ok(v);
    }
    let v = s
        .split(',')
        .map(|t| t.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()?;
    if v.is_empty() || v.contains(&0) {
        bail!("component counts must be positive");
    }
    Ok(v)
}

/// One row of the sweep.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SweepRow {
    /// Components.
    pub components: usize,
    /// NMF result.
    pub nmf: super::NmfEval,
    /// PCA result.
    pub pca: Option<super::PcaEval>,
}

/// Runs `facenmf sweep`.
pub fn run_sweep(args: SweepArgs) -> Result<()> {
    let c = &args.common;
    let ks = parse_components(&args.components)?;
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
            .map(|fits| eval_pca(&ds, &split.train_indices, &split.test_indices, &cfg, fits));
        let row = SweepRow {
            components: k,
            nmf,
            pca,
        };
        if args.json {
            println!("{}", serde_json::to_string(&row)?);
        } else {
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
    if let Some(path) = &args.csv {
        crate::atomic::write(path, sweep_csv(&table).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "{} images, {} people, nmf {:?}: 1-nn accuracy against k",
            ds.len(),
            ds.class_names.len(),
            c.solver
        );
        crate::plot::write(&sweep_chart(&table, &title), path)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::SketchRank;

    #[test]
    fn sketch_rank_is_fixed_or_a_rounded_up_multiple_of_k() {
        let r = |s: &str, k| s.parse::<SketchRank>().map(|r| r.rank(k));
        assert_eq!(r("220", 110), Ok(220));
        assert_eq!(r("220", 10), Ok(220));
        assert_eq!(r("2k", 110), Ok(220));
        assert_eq!(r("1.5k", 7), Ok(11));
        assert_eq!(r("1k", 40), Ok(40));
        for bad in ["0.9k", "k", "-2k", "NaNk", "infk", "2.5", ""] {
            assert!(r(bad, 10).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn code_power_is_finite_and_positive() {
        assert_eq!(super::positive_power("0.7"), Ok(0.7));
        assert_eq!(super::positive_power("1"), Ok(1.0));
        for bad in ["0", "-0.5", "NaN", "inf", "x"] {
            assert!(super::positive_power(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn parzen_width_is_finite_and_positive() {
        assert_eq!(super::positive_width("0.05"), Ok(0.05));
        assert_eq!(super::Decision::PARZEN_WIDTH, 0.05);
        for bad in ["0", "-0.1", "NaN", "inf", ""] {
            assert!(super::positive_width(bad).is_err(), "{bad} accepted");
        }
    }
}
