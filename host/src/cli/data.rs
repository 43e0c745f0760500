//! `facenmf data info|convert|show`.

use std::path::PathBuf;

use anyhow::{bail, Context};

use super::dataset::SourceArgs;
use crate::data::{cache, sheet, Dataset};

/// `facenmf data <command>`.
#[derive(Debug, clap::Subcommand)]
pub enum DataCommand {
    /// Number of images, people, image size, images per person and load time.
    Info {
        #[command(flatten)]
        source: SourceArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the dataset in the raw cache format (images.u8, labels.u8, meta.json).
    Convert {
        #[command(flatten)]
        source: SourceArgs,
        /// Output folder (created if needed).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a PNG contact sheet: one person per row, with names.
    Show {
        #[command(flatten)]
        source: SourceArgs,
        /// Output PNG file.
        #[arg(long)]
        out: PathBuf,
        /// Faces shown per person.
        #[arg(long, default_value_t = 10)]
        per_row: usize,
        /// Show only the first N people.
        #[arg(long)]
        people: Option<usize>,
    },
}

fn summary(ds: &Dataset, secs: f64) -> serde_json::Value {
    let mut counts = ds.class_counts();
    counts.sort_unstable();
    let median = match counts.len() {
        0 => 0.0,
        n if n % 2 == 1 => counts[n / 2] as f64,
        n => (counts[n / 2 - 1] + counts[n / 2]) as f64 / 2.0,
    };
    serde_json::json!({
        "source": ds.source,
        "images": ds.len(),
        "people": ds.class_names.len(),
        "height": ds.height,
        "width": ds.width,
        "images_per_person": {
            "min": counts.first().copied().unwrap_or(0),
            "median": median,
            "max": counts.last().copied().unwrap_or(0),
        },
        "load_seconds": secs,
    })
}

/// Runs `facenmf data <command>`.
pub fn run_data(cmd: DataCommand) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Info { source, json } => {
            let (ds, secs) = source.load()?;
            let s = summary(&ds, secs);
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                let p = &s["images_per_person"];
                println!("source:            {}", ds.source);
                println!("images:            {}", ds.len());
                println!("people:            {}", ds.class_names.len());
                println!(
                    "image size:        {} x {} (height x width)",
                    ds.height, ds.width
                );
                println!(
                    "images per person: min {}, median {}, max {}",
                    p["min"], p["median"], p["max"]
                );
                println!("load time:         {secs:.2} s");
            }
        }
        DataCommand::Convert { source, out } => {
            let (ds, secs) = source.load()?;
            let mut extra = serde_json::Map::new();
            extra.insert(
                "converted_from".into(),
                source.path().display().to_string().into(),
            );
            cache::save(&ds, &out, Some(extra))
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "wrote {} images of {} people ({} x {}) to {} (loaded in {secs:.2} s)",
                ds.len(),
                ds.class_names.len(),
                ds.height,
                ds.width,
                out.display()
            );
        }
        DataCommand::Show {
            source,
            out,
            per_row,
            people,
        } => {
            if per_row == 0 {
                bail!("--per-row must be at least 1");
            }
            let (ds, _) = source.load()?;
            sheet::write(&ds, &out, per_row, people)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "wrote {} ({} people)",
                out.display(),
                people
                    .unwrap_or(ds.class_names.len())
                    .min(ds.class_names.len())
            );
        }
    }
    Ok(())
}
