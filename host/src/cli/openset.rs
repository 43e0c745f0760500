//! `facenmf openset`: the open-set experiment with the device recipe's
//! options, its curves as a chart, and the model carrying the chosen
//! threshold. With `--strangers DIR` the strangers come from a second
//! dataset ([`crate::openset::strangers`]); without it, from a share of
//! SOURCE's own people ([`crate::openset::protocol`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::dataset::SourceArgs;
use super::train::TrainArgs;
use crate::model::Model;
use crate::openset::chart;
use crate::openset::protocol::{self, Protocol, Report};
use crate::openset::strangers;

/// Options of `facenmf openset`.
#[derive(Debug, clap::Args)]
pub struct OpenSetArgs {
    #[command(flatten)]
    pub train: TrainArgs,
    /// Without --strangers: share of SOURCE's people held out as strangers
    /// (half choose the threshold, half measure it).
    #[arg(long, value_name = "F", default_value_t = 0.25)]
    pub stranger_share: f64,
    /// Photos per newcomer (comma separated; default 1,3,5,10, with --strangers 1,3).
    #[arg(
        long = "enroll",
        value_name = "N,...",
        value_delimiter = ',',
        alias = "enrol"
    )]
    pub enrol: Option<Vec<usize>>,
    /// Write the curves (known correct rate against false-accept rate): SVG
    /// when the name ends in .svg, PNG otherwise.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// With --strangers: write every decision's curves as CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// Prints the report as a few lines of text.
pub fn print(r: &Report) {
    println!(
        "open set: {} enrolled people ({} test probes), strangers {} for the threshold ({} images) and {} to measure it ({} images)",
        r.people.enrolled.len(),
        r.n_known,
        r.people.calibration.len(),
        r.n_calibration,
        r.people.evaluation.len(),
        r.n_evaluation
    );
    println!(
        "  closed set (no threshold): {:.1}% of known probes named correctly",
        100.0 * r.closed_set_accuracy
    );
    println!(
        "  threshold {:.4} for a false-accept rate ≤ {:.1}%: calibration {:.1}% accepted; held-out strangers {:.1}% accepted, known named {:.1}%",
        r.threshold,
        100.0 * r.far_target,
        100.0 * r.calibration.false_accept,
        100.0 * r.evaluation.false_accept,
        100.0 * r.evaluation.known_correct
    );
    println!("  newcomers enrolled from n photos (the basis never saw them), no threshold:");
    println!("    photos  people  probes  newcomers named  known named");
    for e in &r.enrolment {
        if e.people == 0 {
            println!("    {:>6}  nobody has more photos than that", e.photos);
            continue;
        }
        println!(
            "    {:>6}  {:>6}  {:>6}  {:>14.1}%  {:>10.1}%",
            e.photos,
            e.people,
            e.probes,
            100.0 * e.newcomer_accuracy,
            100.0 * e.known_accuracy
        );
    }
}

/// Runs the experiment, writes the plot, model and export; returns the report.
pub fn execute(
    args: &OpenSetArgs,
    ds: &crate::data::Dataset,
    provenance: BTreeMap<String, String>,
) -> Result<(Model, Report)> {
    let proto = Protocol {
        stranger_share: args.stranger_share,
        far: args.train.calibrate.far,
        seed: args.train.seed,
        enrol_photos: args
            .enrol
            .clone()
            .unwrap_or_else(|| Protocol::default().enrol_photos),
    };
    let (model, report) = protocol::run(ds, &args.train.spec(), &proto, provenance)?;
    super::train::save_with(&args.train, &model, || {
        if let Some(path) = &args.plot {
            crate::plot::write(&chart::chart(&report), path)?;
        }
        Ok(())
    })?;
    Ok((model, report))
}

/// Runs `facenmf openset`.
pub fn run(args: OpenSetArgs) -> Result<()> {
    if let Some(dir) = &args.train.calibrate.strangers {
        return run_strangers(&args, dir);
    }
    anyhow::ensure!(
        args.train.calibrate.decision_is_default(),
        "--decision needs --strangers DIR: without it the model compares the distance"
    );
    let (ds, _) = args.train.source.load()?;
    let provenance = BTreeMap::from([(
        "data".to_string(),
        format!("{} ({})", args.train.source.path().display(), ds.source),
    )]);
    let (_, report) = execute(&args, &ds, provenance)?;
    if args.train.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    print(&report);
    let show = |p: &Path| p.display().to_string();
    println!(
        "  model of the enrolled people, with the threshold, saved to {}",
        show(&args.train.out)
    );
    if let Some(p) = &args.plot {
        println!("  curve: {}", show(p));
    }
    if let Some(p) = &args.train.export {
        println!("  exported to {}", show(p));
    }
    Ok(())
}

/// Loads the strangers of `dir` with SOURCE's cut and size options (not its
/// per-person selection), refusing images of another size than `ds`'s.
pub fn load_strangers(
    source: &SourceArgs,
    dir: &Path,
    ds: &crate::data::Dataset,
) -> Result<crate::data::Dataset> {
    let args = SourceArgs {
        source: Some(dir.to_path_buf()),
        data: None,
        format: None,
        min_faces: None,
        max_per_person: None,
        ..source.clone()
    };
    let (st, _) = args.load().context("loading the strangers (--strangers)")?;
    anyhow::ensure!(
        (st.height, st.width) == (ds.height, ds.width),
        "the strangers {} are {}x{} images but SOURCE {} gives {}x{}: make them with the same cut and size (--resize, --slice, --size)",
        dir.display(),
        st.height,
        st.width,
        source.path().display(),
        ds.height,
        ds.width
    );
    Ok(st)
}

/// `facenmf openset SOURCE --strangers DIR`.
fn run_strangers(args: &OpenSetArgs, dir: &Path) -> Result<()> {
    for (path, what) in [
        (Some(&args.train.out), "--out"),
        (args.train.export.as_ref(), "--export"),
        (args.plot.as_ref(), "--plot"),
        (args.csv.as_ref(), "--csv"),
    ] {
        if let Some(p) = path {
            super::output::check_output_path(p, what)?;
        }
    }
    let (ds, _) = args.train.source.load()?;
    let st = load_strangers(&args.train.source, dir, &ds)?;
    let provenance = BTreeMap::from([
        (
            "data".to_string(),
            format!("{} ({})", args.train.source.path().display(), ds.source),
        ),
        (
            "data_options".to_string(),
            format!("{:?}", args.train.source.options()),
        ),
        (
            "strangers".to_string(),
            format!("{} ({})", dir.display(), st.source),
        ),
    ]);
    let opts = strangers::Options {
        photos: args
            .enrol
            .clone()
            .unwrap_or(strangers::Options::default().photos),
        ..args.train.strangers_options()
    };
    let spec = args.train.spec();
    let (extra, provenance) = super::train::with_located(&args.train, &ds, &spec, provenance)?;
    let (model, report) = strangers::run(&ds, &st, &spec, &opts, extra, provenance)?;
    super::train::save_with(&args.train, &model, || {
        if let Some(path) = &args.plot {
            crate::plot::write(&chart::strangers_chart(&report), path)?;
        }
        if let Some(path) = &args.csv {
            crate::atomic::write(path, chart::strangers_csv(&report).as_bytes())?;
        }
        Ok(())
    })?;
    if args.train.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    print_strangers(&report);
    println!(
        "  model of the known people, with the {} decision and its threshold, saved to {}",
        args.train.calibrate.decision[0],
        args.train.out.display()
    );
    Ok(())
}

/// Prints a strangers report as a table.
pub fn print_strangers(r: &strangers::Report) {
    println!(
        "open set: {} known people ({} test probes, closed set {:.1}%); strangers: {} people ({} images) choose the thresholds, {} give the cohort, {} teach the map, {} ({} images) measure them",
        r.known_people,
        r.n_known,
        100.0 * r.closed_set_accuracy,
        r.calibration_people,
        r.calibration_images,
        r.cohort_people,
        r.map_people,
        r.evaluation_people,
        r.evaluation_images
    );
    let pct = |v: f64| format!("{:.1}%", 100.0 * v);
    for d in &r.decisions {
        println!("  decision {}:", d.decision);
        for o in &d.operating {
            println!(
                "    at {} false accepts (threshold {:.4}): known named {}, strangers accepted {} (calibration {})",
                pct(o.far_target),
                o.threshold,
                pct(o.known_named),
                pct(o.false_accept),
                pct(o.calibration_false_accept)
            );
        }
        for n in &d.newcomers {
            println!(
                "    newcomers from {} photo(s): {} people, {} probes, named {} at {} false accepts ({} closed set), known still named {}; other strangers accepted by the grown gallery {}",
                n.photos,
                n.people,
                n.probes,
                pct(n.named),
                pct(r.far),
                pct(n.closed_set),
                pct(n.known_named),
                pct(n.false_accept)
            );
            let a = &n.recalibrated;
            println!(
                "      threshold chosen again on the grown gallery ({:.4}): newcomers named {}, known named {}, other strangers accepted {}",
                a.threshold,
                pct(a.named),
                pct(a.known_named),
                pct(a.false_accept)
            );
        }
    }
}
