//! `facenmf locator endtoend`: the chip pipeline's recognition on located
//! faces against the same faces cut at their true boxes, the located boxes'
//! errors, accuracy by error size and, with `--jitter`, on true boxes moved
//! by the locator's errors.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::chip::Chip;
use crate::frames::Truth;
use crate::locate::boxerror::{BoxError, Parts, Spread};
use crate::locate::config::{HostLocator, LocatorConfig};
use crate::locate::endtoend::{end_to_end_with, jittered, EndToEnd, ErrorBin};
use crate::locate::recognise::locate;
use crate::locate::refine::refine;
use crate::model::Model;

/// Error-size bins of the accuracy-by-error table (fractions of the face).
pub const ERROR_BINS: [f64; 5] = [0.0, 0.03, 0.06, 0.1, 0.2];

/// Options of `facenmf locator endtoend`.
#[derive(Debug, Clone, Args)]
pub struct EndToEndArgs {
    /// The model (JSON).
    #[arg(long)]
    pub model: PathBuf,
    /// Locator file (from `facenmf locator fit`).
    #[arg(long)]
    pub locator: PathBuf,
    /// Frame folder (from `facenmf frames`, best with `--model`: test photos only).
    #[arg(long)]
    pub frames: PathBuf,
    /// Align each located face by the NMF reconstruction residual over
    /// (2N+1)² shifts x 5 scales around it (0: the located region as is).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub refine: u32,
    /// Also recognise the true boxes moved by the located boxes' errors
    /// (all of it, the shift only, the scale only).
    #[arg(long)]
    pub jitter: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Accuracies of one run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    /// Face frames.
    pub faces: usize,
    /// With a face chosen.
    pub answered: usize,
    /// Located by the rule.
    pub located: usize,
    /// Accuracy at the true box, %.
    pub true_box: f64,
    /// Accuracy at the located region, % (no face: wrong).
    pub at_located: f64,
    /// The difference, points.
    pub gap: f64,
    /// On the frames with a face chosen: accuracy at the true box, %.
    pub answered_true_box: f64,
    /// On the frames with a face chosen: accuracy at the located region, %.
    pub answered_located: f64,
}

impl Figure {
    /// The figure of `e`.
    pub fn of(e: &EndToEnd) -> Self {
        let found: Vec<_> = e.pairs.iter().filter(|p| p.located.is_some()).collect();
        let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        Self {
            faces: e.faces,
            answered: e.answered,
            located: e.located,
            true_box: 100.0 * e.accuracy_truth(),
            at_located: 100.0 * e.accuracy_located(),
            gap: e.gap_points(),
            answered_true_box: pct(
                found.iter().filter(|p| p.right_at_truth()).count(),
                found.len(),
            ),
            answered_located: pct(
                found.iter().filter(|p| p.right_at_located()).count(),
                found.len(),
            ),
        }
    }
}

/// Everything `locator endtoend` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// True box against located.
    pub figure: Figure,
    /// The located boxes' errors.
    pub errors: Spread,
    /// Accuracy by error size.
    pub by_error: Vec<ErrorBin>,
    /// With `--jitter`: true boxes moved by the located errors
    /// (all, shift only, scale only).
    pub jittered: Option<[(Parts, Figure); 3]>,
    /// Every face frame (JSON only).
    pub pairs: Vec<PairOut>,
}

/// One face frame in the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairOut {
    /// The frame file.
    pub file: String,
    /// The true box's height, pixels.
    pub height: f64,
    /// The located region's error (`None`: no face chosen).
    pub error: Option<BoxError>,
    /// Named right at the true box.
    pub right_at_truth: bool,
    /// Named right at the located region.
    pub right_at_located: bool,
}

/// Runs `facenmf locator endtoend`.
pub fn run(a: EndToEndArgs) -> Result<()> {
    let model = Model::load(&a.model)?;
    let chip = Chip::new(&model)?;
    let truth = Truth::read(&a.frames)?;
    let loc = HostLocator::new(LocatorConfig::read(&a.locator)?, truth.width, truth.height)?;
    let size = (loc.width, loc.height);
    let e = end_to_end_with(&chip, size, &a.frames, None, |_, px, _| {
        locate(&loc, px)?
            .map(|(c, _)| refine(&chip, px, size, c, a.refine))
            .transpose()
    })?;
    let errors = e.errors();
    let jittered = if a.jitter {
        let run = |parts| -> Result<(Parts, Figure)> {
            let j = jittered(&chip, size, &a.frames, None, &errors, parts)?;
            Ok((parts, Figure::of(&j)))
        };
        Some([run(Parts::All)?, run(Parts::Shift)?, run(Parts::Scale)?])
    } else {
        None
    };
    let report = Report {
        figure: Figure::of(&e),
        errors: Spread::of(&errors),
        by_error: e.by_error(&ERROR_BINS),
        jittered,
        pairs: e
            .pairs
            .iter()
            .map(|p| PairOut {
                file: p.file.clone(),
                height: p.truth.height,
                error: p.error(),
                right_at_truth: p.right_at_truth(),
                right_at_located: p.right_at_located(),
            })
            .collect(),
    };
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&report);
    }
    Ok(())
}

fn print_report(r: &Report) {
    let f = &r.figure;
    let pct = |n: usize| 100.0 * n as f64 / f.faces.max(1) as f64;
    println!(
        "{} face frames: a face chosen on {} ({:.1}%), located on {} ({:.1}%)",
        f.faces,
        f.answered,
        pct(f.answered),
        f.located,
        pct(f.located)
    );
    println!(
        "recognised (nearest person, threshold off): at the true box {:.1}%, at the located face {:.1}%; gap {:.1} points",
        f.true_box, f.at_located, f.gap
    );
    println!(
        "on the {} frames with a face chosen: true box {:.1}%, located face {:.1}%",
        f.answered, f.answered_true_box, f.answered_located
    );
    let s = &r.errors;
    let p = |v: [f64; 4]| {
        format!(
            "row {:.3}, col {:.3}, height {:.3}, width {:.3}",
            v[0], v[1], v[2], v[3]
        )
    };
    println!(
        "located errors (per true height; sides |ratio - 1|) on {} frames: median {}; 90% {}",
        s.count,
        p(s.median),
        p(s.p90)
    );
    println!("| error size | frames | true box | located |");
    println!("|---|---|---|---|");
    for b in &r.by_error {
        let to = b.to.map_or("…".to_string(), |t| format!("{t:.2}"));
        let acc = |n: usize| 100.0 * n as f64 / b.frames.max(1) as f64;
        println!(
            "| {:.2}–{to} | {} | {:.1}% | {:.1}% |",
            b.from,
            b.frames,
            acc(b.right_at_truth),
            acc(b.right_at_located)
        );
    }
    if let Some(j) = &r.jittered {
        for (parts, f) in j {
            println!(
                "true boxes moved by the located errors ({parts:?}): {:.1}% (true box {:.1}%)",
                f.at_located, f.true_box
            );
        }
    }
}
