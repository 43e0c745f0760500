//! `facenmf detect FRAMES... [--json]`: the faces of each frame, the chosen
//! one first, in frame pixels (the crop the model's thumbnail takes).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::locate::config::LocatorConfig;
use crate::locate::detect::detect;

/// Options of `facenmf detect`.
#[derive(Debug, Clone, Args)]
pub struct DetectArgs {
    /// Locator file (from `facenmf locator fit`); without it, the default
    /// cascade with the identity map (detector boxes).
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
    let config = match &args.locator {
        Some(p) => LocatorConfig::read(p)?,
        None => LocatorConfig::default(),
    };
    let out = detect(&config, &args.frames)?;
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
