//! `facenmf detect FRAMES... [--json]`: the faces of each frame, the chosen
//! one first, in frame pixels (the crop the model's thumbnail takes).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::config::{HostLocator, LocatorConfig};
use super::frames_in::read_gray;

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

/// One face in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct FaceOut {
    /// First row.
    pub top: usize,
    /// First column.
    pub left: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// Accepted windows in its group.
    pub score: f64,
}

/// One frame in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct FrameOut {
    /// The file as given.
    pub file: String,
    /// Faces, the chosen one first; empty for "no face".
    pub faces: Vec<FaceOut>,
}

/// The JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct DetectOut {
    /// Every frame in the order given.
    pub frames: Vec<FrameOut>,
}

/// Locates the faces of `frames`.
pub fn detect(config: &LocatorConfig, frames: &[PathBuf]) -> Result<DetectOut> {
    let mut out = Vec::with_capacity(frames.len());
    let mut loc: Option<HostLocator> = None;
    for path in frames {
        let (w, h, px) = read_gray(path)?;
        if loc.as_ref().is_none_or(|l| (l.width, l.height) != (w, h)) {
            loc = Some(HostLocator::new(config.clone(), w, h)?);
        }
        let Some(l) = loc.as_ref() else { continue };
        let answer = l.run(&px)?;
        let core_map = l.config.box_map();
        let faces = answer
            .faces
            .iter()
            .filter_map(|f| {
                let c = core_map.crop(f, w, h)?;
                Some(FaceOut {
                    top: c.y,
                    left: c.x,
                    height: c.height,
                    width: c.width,
                    score: f64::from(f.neighbours),
                })
            })
            .collect();
        out.push(FrameOut {
            file: path.display().to_string(),
            faces,
        });
    }
    Ok(DetectOut { frames: out })
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
