//! `facenmf train`: fit the device recipe on a dataset, score it through the
//! chip's pipeline, save the model (JSON) and optionally export it for the
//! firmware.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use facenmf_core::StopRule;

use super::calibrate::CalibrateArgs;
use super::dataset::SourceArgs;
use super::parse;
use crate::features::FeatureChoice;
use crate::model::{Method, MetricName, Model};
use crate::nmf::Solver;
use crate::quant::Quant;
use crate::train::{GalleryKind, Spec};

/// Options of `facenmf train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Thumbnail size HxW (the chip's input).
    #[arg(long, value_name = "HxW", value_parser = parse::size, default_value = "64x48")]
    pub thumb: (usize, usize),
    /// What the NMF is fitted on: `raw` (the thumbnail) or `lbp:RxC` (uniform
    /// LBP histograms over R x C cells of the thumbnail, e.g. lbp:8x6 with
    /// --thumb 64x48), then optionally `+mirror` (each cell counts the
    /// mirror image's codes too) and `+sqrt` (each value square-rooted).
    #[arg(long, value_name = "FEATURES", default_value_t = Spec::default().features)]
    pub features: FeatureChoice,
    /// How features become a code: `nmf` (the NNLS encoder), or
    /// `fisherfaces` (whitened PCA as a linear stage, no square root, then
    /// L2, LDA and class means as for NMF).
    #[arg(long, value_enum, default_value = "nmf")]
    pub method: Method,
    /// NMF components K (Fisherfaces: PCA components P).
    #[arg(long, default_value_t = Spec::default().nmf.n_components)]
    pub components: usize,
    /// NMF solver.
    #[arg(long, value_enum, default_value = "hals")]
    pub solver: Solver,
    /// NMF iterations at most.
    #[arg(long, default_value_t = 400)]
    pub max_iter: usize,
    /// NMF tolerance (each solver's scikit-learn rule).
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// The chip's encoder: sweeps at most.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 200,
        alias = "transform-sweeps"
    )]
    pub sweeps: u16,
    /// The chip's encoder: relative tolerance on the projected gradient.
    #[arg(
        long,
        value_name = "TOL",
        default_value_t = 1e-5,
        alias = "transform-tol"
    )]
    pub encode_tol: f32,
    /// Compare codes directly, without the LDA map.
    #[arg(long)]
    pub no_lda: bool,
    /// No element-wise square root of codes.
    #[arg(long)]
    pub no_sqrt: bool,
    /// No L2 normalisation of codes.
    #[arg(long, alias = "no-l2")]
    pub no_normalize: bool,
    /// Most directions the LDA map keeps (default: one fewer than the known
    /// people, at most K; --map-people adds none, so the flash stays).
    #[arg(long, value_name = "M")]
    pub map_dims: Option<usize>,
    /// Templates exported to the chip.
    #[arg(long, value_enum, default_value = "class-means")]
    pub gallery: GalleryKind,
    /// Metric of the vote.
    #[arg(long, value_enum, default_value = "cosine")]
    pub metric: MetricName,
    /// Neighbours voting.
    #[arg(long, value_name = "N", default_value_t = 1, alias = "k")]
    pub neighbours: usize,
    /// Share of images held out for testing.
    #[arg(long, default_value_t = 0.2)]
    pub test_size: f64,
    /// Seed of the split and of the NMF init.
    #[arg(long, default_value_t = 8)]
    pub seed: u32,
    /// Do not give the map and class means the mirror image of each training thumbnail.
    #[arg(long)]
    pub no_augment_flip: bool,
    /// Give the map and class means copies of each training thumbnail shifted by 1..=N pixels (0: none).
    #[arg(long, value_name = "N", default_value_t = Spec::default().augment.shift)]
    pub augment_shift: usize,
    /// Give the map and class means copies of each training thumbnail turned by +DEG and −DEG degrees (0: none).
    #[arg(long, value_name = "DEG", default_value_t = Spec::default().augment.turn)]
    pub augment_turn: u8,
    /// Give the map and class means copies of each training thumbnail scaled by 1 ± PCT/100 about the centre (0: none).
    #[arg(long, value_name = "PCT", default_value_t = Spec::default().augment.zoom)]
    pub augment_zoom: u8,
    /// Also train on faces cut where the locator finds them: frames made of
    /// the training split's photos from this LFW JPEG folder (the dataset's
    /// people, e.g. `lfw_funneled_min20`), located by `--located-locator`.
    #[arg(long, value_name = "DIR", requires = "located_locator")]
    pub located_from: Option<PathBuf>,
    /// The locator of `--located-from` (from `facenmf locator fit` on training frames).
    #[arg(long, value_name = "FILE", requires = "located_from")]
    pub located_locator: Option<PathBuf>,
    /// Frames made of each training photo for `--located-from`.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub located_copies: usize,
    /// Seed of the frames of `--located-from`.
    #[arg(long, value_name = "SEED", default_value_t = 11)]
    pub located_seed: u64,
    /// Cut the `--located-from` faces at their true boxes moved by other frames' located errors.
    #[arg(long)]
    pub located_jitter: bool,
    /// Fit the NMF basis on the located faces too (else only the map and class means see them).
    #[arg(long)]
    pub located_in_basis: bool,
    /// How the chip stores the basis and the LDA map: `f32`, or `i8` rows
    /// with one f32 scale a row (a quarter of the flash).
    #[arg(long, value_enum, default_value = "i8")]
    pub quant: Quant,
    /// Where to save the model (JSON).
    #[arg(long, default_value = "model.json")]
    pub out: PathBuf,
    /// Also export the model as Rust for the firmware, to this path.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub calibrate: CalibrateArgs,
}

impl TrainArgs {
    /// The recipe these options describe.
    pub fn spec(&self) -> Spec {
        let d = Spec::default();
        Spec {
            thumb: self.thumb,
            features: self.features,
            crop: None,
            nmf: crate::nmf::NmfParams {
                n_components: self.components,
                solver: self.solver,
                max_iter: self.max_iter,
                tol: self.tol,
                seed: u64::from(self.seed),
                progress: !self.json,
                ..d.nmf
            },
            rule: StopRule::new(self.sweeps, self.encode_tol),
            // Fisherfaces codes are signed: no square root.
            sqrt: !self.no_sqrt && self.method == Method::Nmf,
            normalize: !self.no_normalize,
            lda: !self.no_lda,
            gallery: self.gallery,
            metric: self.metric,
            neighbours: self.neighbours,
            test_size: self.test_size,
            seed: self.seed,
            stratify: true,
            augment: crate::learn::augment::Augment {
                flip: !self.no_augment_flip,
                shift: self.augment_shift,
                turn: self.augment_turn,
                zoom: self.augment_zoom,
            },
            map_dims: self.map_dims,
            method: self.method,
            quant: self.quant,
        }
    }
}

/// The located training faces `--located-from` asks for, with a line saying what they are.
fn located_extra(
    args: &TrainArgs,
    ds: &crate::data::Dataset,
    spec: &Spec,
) -> Result<Option<(crate::train::Extra, String)>> {
    let (Some(from), Some(locator)) = (&args.located_from, &args.located_locator) else {
        return Ok(None);
    };
    let config = crate::locate::config::LocatorConfig::read(locator)
        .with_context(|| format!("--located-locator {}", locator.display()))?;
    let how = crate::train::located::LocatedFaces {
        locator: crate::locate::config::HostLocator::new(config, 160, 120)?,
        copies: args.located_copies,
        seed: args.located_seed,
        jitter: args.located_jitter,
    };
    let g = crate::model::Geometry {
        frame_width: ds.width,
        frame_height: ds.height,
        crop: spec.crop.unwrap_or([0, 0, ds.width, ds.height]),
        width: spec.thumb.1,
        height: spec.thumb.0,
    };
    let split = crate::model::SplitInfo {
        test_size: spec.test_size,
        seed: spec.seed,
        stratify: spec.stratify,
    };
    let located = crate::train::located::of_training_split(
        from,
        &ds.class_names,
        split,
        args.source.max_per_person,
        &g,
        &how,
    )
    .with_context(|| format!("--located-from {}", from.display()))?;
    let text = format!(
        "{} of {} frames of the training photos of {} located by {} (seed {}, {} a photo{})",
        located.kept,
        located.frames,
        from.display(),
        locator.display(),
        args.located_seed,
        args.located_copies,
        if args.located_jitter {
            ", cut at true boxes moved by located errors"
        } else {
            ""
        }
    );
    Ok(Some((
        crate::train::Extra {
            thumbs: Some(located.thumbs),
            in_basis: args.located_in_basis,
            identities: None,
        },
        text,
    )))
}

impl TrainArgs {
    /// The strangers experiment these options describe (no newcomers).
    pub fn strangers_options(&self) -> crate::openset::strangers::Options {
        crate::openset::strangers::Options {
            seed: self.seed,
            cohort: self.calibrate.cohort(),
            map_people: self.calibrate.map_people,
            far: self.calibrate.far,
            decisions: self.calibrate.decision.clone(),
            photos: Vec::new(),
            ..Default::default()
        }
    }
}

/// Runs `facenmf train`.
pub fn run(args: TrainArgs) -> Result<()> {
    if let Some(dir) = &args.calibrate.strangers {
        return run_calibrated(&args, dir);
    }
    anyhow::ensure!(
        args.calibrate.decision_is_default(),
        "--decision needs --strangers DIR: the threshold and the cohort are chosen on strangers"
    );
    let (ds, load_seconds) = args.source.load()?;
    let provenance = BTreeMap::from([
        (
            "data".to_string(),
            format!("{} ({})", args.source.path().display(), ds.source),
        ),
        (
            "data_options".to_string(),
            format!("{:?}", args.source.options()),
        ),
    ]);
    let spec = args.spec();
    let (extra, provenance) = with_located(&args, &ds, &spec, provenance)?;
    let (model, report) = crate::train::train_with(&ds, &spec, provenance, Some(&extra))?;
    save(&args, &model)?;
    let budget = crate::budget::Shape::of(&model).budget(usize::from(model.max_sweeps), 0);
    if args.json {
        println!(
            "{}",
            serde_json::json!({ "report": report, "budget": budget, "load_seconds": load_seconds, "model": args.out })
        );
    } else {
        println!(
            "trained on {} images, tested on {}: accuracy {:.1}% (chip pipeline, inductive)",
            report.n_train,
            report.n_test,
            100.0 * report.accuracy
        );
        match model.method {
            Method::Nmf => println!(
                "  NMF {} iterations in {:.1} s, rel. error {:.4}, K = {}",
                report.n_iter, report.fit_seconds, report.rel_error, report.k
            ),
            Method::Fisherfaces => println!(
                "  whitened PCA in {:.1} s, P = {}",
                report.fit_seconds, report.k
            ),
        }
        print_saved(&args, &budget);
    }
    Ok(())
}

/// The located faces of `--located-from` as training extras (none without
/// it), their account added to `provenance` and printed unless `--json`.
pub(super) fn with_located(
    args: &TrainArgs,
    ds: &crate::data::Dataset,
    spec: &Spec,
    mut provenance: BTreeMap<String, String>,
) -> Result<(crate::train::Extra, BTreeMap<String, String>)> {
    let Some((extra, text)) = located_extra(args, ds, spec)? else {
        return Ok((crate::train::Extra::default(), provenance));
    };
    if !args.json {
        println!("  {text} (in the basis: {})", extra.in_basis);
    }
    provenance.insert("located_faces".to_string(), text);
    Ok((extra, provenance))
}

/// The model file and, when asked, its export: the export is rendered
/// before anything is written, so an error leaves no partial output.
fn save(args: &TrainArgs, model: &Model) -> Result<()> {
    save_with(args, model, || Ok(()))
}

/// [`save`] with the caller's own files (`side`: charts, tables) written
/// after the export is rendered and before the model.
pub(super) fn save_with(
    args: &TrainArgs,
    model: &Model,
    side: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let rust = args
        .export
        .as_ref()
        .map(|_| crate::export::render(model))
        .transpose()?;
    side()?;
    model.save(&args.out)?;
    if let (Some(path), Some(text)) = (&args.export, rust) {
        crate::atomic::write(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The lines after the report: the model's cost on the chip and where it went.
fn print_saved(args: &TrainArgs, budget: &crate::budget::Budget) {
    println!(
        "  on the chip: {} KB flash, {} MAC per face at most",
        budget.flash_bytes / 1024,
        budget.macs
    );
    println!("  model saved to {}", args.out.display());
    if let Some(path) = &args.export {
        println!("  exported to {}", path.display());
    }
}

/// `facenmf train SOURCE --strangers DIR`: the model of SOURCE carrying the
/// decision, its cohort and its threshold, chosen on the calibration half
/// of the strangers (the first decision given).
fn run_calibrated(args: &TrainArgs, dir: &std::path::Path) -> Result<()> {
    for (path, what) in [
        (Some(&args.out), "--out"),
        (args.export.as_ref(), "--export"),
    ] {
        if let Some(p) = path {
            super::output::check_output_path(p, what)?;
        }
    }
    let (ds, _) = args.source.load()?;
    let st = super::openset::load_strangers(&args.source, dir, &ds)?;
    let provenance = BTreeMap::from([
        (
            "data".to_string(),
            format!("{} ({})", args.source.path().display(), ds.source),
        ),
        (
            "data_options".to_string(),
            format!("{:?}", args.source.options()),
        ),
        (
            "strangers".to_string(),
            format!("{} ({})", dir.display(), st.source),
        ),
    ]);
    let opts = crate::openset::strangers::Options {
        decisions: args.calibrate.decision[..1].to_vec(),
        ..args.strangers_options()
    };
    let spec = args.spec();
    let (extra, provenance) = with_located(args, &ds, &spec, provenance)?;
    let (model, report) =
        crate::openset::strangers::run(&ds, &st, &spec, &opts, extra, provenance)?;
    save(args, &model)?;
    let budget = crate::budget::Shape::of(&model).budget(usize::from(model.max_sweeps), 0);
    if args.json {
        println!(
            "{}",
            serde_json::json!({ "report": report.train, "openset": report, "budget": budget, "model": args.out })
        );
        return Ok(());
    }
    super::openset::print_strangers(&report);
    print_saved(args, &budget);
    Ok(())
}
