//! `facenmf openset`: the open-set experiment of [`crate::openset::protocol`] with the
//! device recipe's options, its curve as PNG, and the enrolled people's model
//! carrying the chosen threshold.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::train::TrainArgs;
use crate::model::Model;
use crate::openset::chart;
use crate::openset::protocol::{self, Protocol, Report};

/// Options of `facenmf openset`.
#[derive(Debug, clap::Args)]
pub struct OpenSetArgs {
    #[command(flatten)]
    pub train: TrainArgs,
    /// Share of people held out as strangers (half choose the threshold, half measure it).
    #[arg(long, default_value_t = 0.25)]
    pub strangers: f64,
    /// Target false-accept rate of strangers.
    #[arg(long, default_value_t = 0.05)]
    pub far: f64,
    /// Photos per newcomer of the enrolment curve (comma separated).
    #[arg(
        long = "enroll",
        value_name = "N,...",
        value_delimiter = ',',
        default_value = "1,3,5,10",
        alias = "enrol"
    )]
    pub enrol: Vec<usize>,
    /// Write the curve (known correct rate against false-accept rate) as PNG.
    #[arg(long)]
    pub plot: Option<PathBuf>,
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
        stranger_share: args.strangers,
        far: args.far,
        seed: args.train.seed,
        enrol_photos: args.enrol.clone(),
    };
    let (model, report) = protocol::run(ds, &args.train.spec(), &proto, provenance)?;
    // Render everything first, then write: an error leaves no partial output.
    let rust = args
        .train
        .export
        .as_ref()
        .map(|_| crate::export::render(&model))
        .transpose()?;
    if let Some(path) = &args.plot {
        crate::plot::write(&chart::chart(&report), path)?;
    }
    model.save(&args.train.out)?;
    if let (Some(path), Some(text)) = (&args.train.export, rust) {
        crate::atomic::write(path, text.as_bytes())?;
    }
    Ok((model, report))
}

/// Runs `facenmf openset`.
pub fn run(args: OpenSetArgs) -> Result<()> {
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
