//! `facenmf recognise`: who is in each picture, by a trained model.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::chip::Chip;
use crate::data::lfw::Slice;
use crate::data::photo::PhotoOptions;
use crate::data::source::Format;
use crate::locate::config::{HostLocator, LocatorConfig};
use crate::locate::recognise::{recognise_frames, FRAME_SIZE};
use crate::model::Model;
use crate::recognise::{self, Options, Outcome};

/// Options of `facenmf recognise`.
#[derive(Debug, clap::Args)]
pub struct RecogniseArgs {
    /// The model (JSON).
    #[arg(long)]
    pub model: PathBuf,
    /// Photos or frames (JPEG, PNG, PGM), folders of them, folders of person
    /// folders (labelled: accuracy and confusions), cache folders or an
    /// olivettifaces.mat.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The kind of a folder given, instead of detecting it.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Cut each photo to R0:R1,C0:C1 first (LFW folders: 70:195,78:172 unless given).
    #[arg(long, value_name = "R0:R1,C0:C1", value_parser = super::parse::slice)]
    pub slice: Option<Slice>,
    /// The pictures are the camera's frames: refuse any not of the model's frame size (no cut, no resize).
    #[arg(long)]
    pub frames: bool,
    /// Stop at the first picture that cannot be read (default: answer the others, fail at the end).
    #[arg(long)]
    pub fail_fast: bool,
    /// Confusions listed for labelled pictures.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub confusions: usize,
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// The pictures are whole 160x120 camera frames: find the face with this
    /// locator (`facenmf locator fit`) first, then recognise it ("no face"
    /// when there is none).
    #[arg(long, value_name = "LOCATOR", conflicts_with_all = ["format", "slice", "frames"])]
    pub locator: Option<PathBuf>,
}

/// Runs `facenmf recognise`; fails (after printing the answers) when any
/// picture could not be read.
pub fn run(args: RecogniseArgs) -> Result<()> {
    let model = Model::load(&args.model)?;
    if let Some(locator) = &args.locator {
        return run_located(&model, locator, &args);
    }
    let opts = Options {
        photo: PhotoOptions {
            slice: args.slice,
            exact: args.frames,
        },
        format: args.format,
        fail_fast: args.fail_fast,
    };
    let items = recognise::collect(&model, &args.paths, &opts)?;
    let outcome = recognise::run(&model, items, args.confusions)?;
    if args.json {
        println!("{}", serde_json::to_string(&outcome)?);
    } else {
        print_text(&outcome);
    }
    if !outcome.failures.is_empty() {
        bail!(
            "{} of {} pictures could not be read (first: {}: {})",
            outcome.failures.len(),
            outcome.failures.len() + outcome.answers.len(),
            outcome.failures[0].path,
            outcome.failures[0].error
        );
    }
    Ok(())
}

/// `recognise --locator`: whole frames, located then recognised.
fn run_located(model: &Model, locator: &Path, args: &RecogniseArgs) -> Result<()> {
    let config = LocatorConfig::read(locator)?;
    let (w, h) = FRAME_SIZE;
    let loc = HostLocator::new(config, w, h)?;
    let chip = Chip::new(model)?;
    let o = recognise_frames(&chip, &loc, &args.paths, args.confusions)?;
    if args.json {
        println!("{}", serde_json::to_string(&o)?);
    } else {
        for a in &o.answers {
            let truth = a
                .truth
                .as_ref()
                .map_or(String::new(), |t| format!(" [is {t}]"));
            match (&a.face, a.distance) {
                (Some(b), Some(d)) => {
                    let runner_up = a.runner_up.as_ref().map_or(String::new(), |r| {
                        format!("; runner-up {} at {:.4}", r.name, r.distance)
                    });
                    let nearest = match &a.nearest {
                        Some(n) if *n != a.name => format!(", nearest {n}"),
                        _ => String::new(),
                    };
                    println!(
                        "{}: {}{truth} (distance {d:.4}{nearest}{runner_up}) at top {} left {} height {} width {} (score {})",
                        a.path, a.name, b.top, b.left, b.height, b.width, b.score
                    );
                }
                _ => println!("{}: {}{truth}", a.path, a.name),
            }
        }
        for f in &o.failures {
            eprintln!("error: {}: {}", f.path, f.error);
        }
        if let Some(s) = &o.score {
            println!(
                "accuracy {:.1}% ({} of {} frames with a known answer)",
                100.0 * s.accuracy,
                s.correct,
                s.images
            );
        }
    }
    if !o.failures.is_empty() {
        bail!(
            "{} of {} frames could not be read (first: {}: {})",
            o.failures.len(),
            o.failures.len() + o.answers.len(),
            o.failures[0].path,
            o.failures[0].error
        );
    }
    Ok(())
}

fn print_text(o: &Outcome) {
    for a in &o.answers {
        let runner_up = a.runner_up.as_ref().map_or(String::new(), |r| {
            format!("; runner-up {} at {:.4}", r.name, r.distance)
        });
        let truth = a
            .truth
            .as_ref()
            .map_or(String::new(), |t| format!(" [is {t}]"));
        let nearest = if a.name == a.nearest {
            String::new()
        } else {
            format!(", nearest {}", a.nearest)
        };
        println!(
            "{}: {}{truth} (distance {:.4}{nearest}{runner_up})",
            a.path, a.name, a.distance
        );
    }
    for f in &o.failures {
        eprintln!("error: {}: {}", f.path, f.error);
    }
    if let Some(s) = &o.score {
        println!(
            "accuracy {:.1}% ({} of {} labelled pictures)",
            100.0 * s.accuracy,
            s.correct,
            s.images
        );
        if !s.confusions.is_empty() {
            println!("most frequent confusions:");
            for c in &s.confusions {
                println!("  {} -> {}: {}", c.truth, c.answer, c.count);
            }
        }
    }
}
