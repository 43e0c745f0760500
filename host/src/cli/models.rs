//! `facenmf models`: device models over a grid of thumbnail sizes,
//! component counts and galleries, against the chip's flash and RAM.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

use super::dataset::SourceArgs;
use super::parse;
use crate::features::FeatureChoice;
use crate::train::grid::{self, line, pick, plot, table, Row};
use crate::train::Spec;

/// Options of `facenmf models`.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Thumbnail sizes HxW, comma-separated.
    #[arg(long, default_value = "24x18,32x24,48x36,64x48")]
    pub thumbs: String,
    /// What the NMF is fitted on: `raw` or `lbp:RxC` (see `facenmf train`).
    #[arg(long, value_name = "FEATURES", default_value = "raw")]
    pub features: FeatureChoice,
    /// Component counts: a comma list or `A..=B:STEP`.
    #[arg(long, default_value = "16,32,48,64,96")]
    pub components: String,
    /// NMF iterations at most.
    #[arg(long, default_value_t = 200)]
    pub max_iter: usize,
    /// Seed of the split and the NMF init.
    #[arg(long, default_value_t = 8)]
    pub seed: u32,
    /// Write the rows as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the rows as one JSON object on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Draw accuracy against flash to this PNG.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Read the rows from a JSON file written by `--out` instead of training.
    #[arg(long)]
    pub rows: Option<PathBuf>,
}

/// Runs `facenmf models`.
pub fn run(args: ModelsArgs) -> Result<()> {
    if let Some(path) = &args.rows {
        let text = std::fs::read_to_string(path)?;
        let doc: serde_json::Value = serde_json::from_str(&text)?;
        let rows: Vec<Row> = serde_json::from_value(doc["rows"].clone())?;
        println!("{}", table(&rows));
        if let Some(png) = &args.plot {
            plot(
                &rows,
                &format!("device models: {}", doc["data"].as_str().unwrap_or("")),
                png,
            )?;
        }
        return Ok(());
    }
    let (ds, _) = args.source.load()?;
    let thumbs = parse::list(&args.thumbs, parse::size).map_err(anyhow::Error::msg)?;
    let ks = parse::components(&args.components)?;
    let mut base = Spec {
        seed: args.seed,
        features: args.features,
        ..Spec::raw()
    };
    base.nmf.max_iter = args.max_iter;
    base.nmf.seed = u64::from(args.seed);
    let rows = grid::run(&ds, &base, &thumbs, &ks, true)?;
    let doc = BTreeMap::from([
        ("data", serde_json::json!(ds.source)),
        ("rows", serde_json::to_value(&rows)?),
    ]);
    if args.json {
        println!("{}", serde_json::to_string(&doc)?);
    } else {
        println!("{}", table(&rows));
        if let Some(best) = pick(&rows) {
            println!("picked for the STM32F407: {}", line(best));
        }
    }
    if let Some(png) = &args.plot {
        plot(&rows, "Device models: accuracy against flash", png)?;
    }
    if let Some(path) = &args.out {
        crate::atomic::write(path, serde_json::to_string_pretty(&doc)?.as_bytes())?;
    }
    Ok(())
}
