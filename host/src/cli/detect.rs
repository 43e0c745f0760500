//! `facenmf detect [--model M] [--locator L] FRAMES... [--json]`: the faces
//! of each frame, the chosen one first, in frame pixels (the crop the
//! model's thumbnail takes).
//!
//! A model and its locator travel as two files side by side (`model.json`,
//! `locator.json` in one folder): the locator's box map is learned on frames
//! for a face region (scikit-learn's, for every LFW model) and serves every
//! model of that region, while the model file stays the trainer's format.
//! `--model` gives the crop geometry (the model's crop of the region) and
//! finds the locator beside it; `--locator` names another.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::locate::config::LocatorConfig;
use crate::locate::detect::{detect_for, LOCATOR_FILE};
use crate::model::Model;

/// Options of `facenmf detect`.
#[derive(Debug, Clone, Args)]
pub struct DetectArgs {
    /// The model whose crop the boxes are (its crop of the located face
    /// region); its locator is `--locator`, else `locator.json` beside it.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Locator file (from `facenmf locator fit`); without it (and without
    /// one beside `--model`), the default cascade with the identity map
    /// (detector boxes).
    #[arg(long)]
    pub locator: Option<PathBuf>,
    /// Frames (PGM, PNG or JPEG; gray or RGB, turned gray).
    #[arg(required = true)]
    pub frames: Vec<PathBuf>,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// Runs `facenmf detect`.
pub fn run(args: DetectArgs) -> Result<()> {
    let model = args.model.as_deref().map(Model::load).transpose()?;
    let beside = args
        .model
        .as_deref()
        .map(|m| m.with_file_name(LOCATOR_FILE))
        .filter(|p| p.is_file());
    let config = match args.locator.as_ref().or(beside.as_ref()) {
        Some(p) => LocatorConfig::read(p)?,
        None => LocatorConfig::default(),
    };
    let out = detect_for(&config, model.as_ref().map(|m| &m.geometry), &args.frames)?;
    if args.json {
        println!("{}", serde_json::to_string(&out)?);
    } else {
        for f in &out.frames {
            match f.faces.first() {
                None => println!("{}: no face", f.file),
                Some(c) => println!(
                    "{}: face at top {} left {} height {} width {} (score {}; {} found)",
                    f.file,
                    c.top,
                    c.left,
                    c.height,
                    c.width,
                    c.score,
                    f.faces.len()
                ),
            }
        }
    }
    Ok(())
}
