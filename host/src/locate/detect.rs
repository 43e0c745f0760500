//! The faces of whole frames, the chosen one first, in frame pixels (the
//! crop the model's thumbnail takes): what `facenmf detect` prints.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::config::{HostLocator, LocatorConfig};
use super::frames_in::read_gray;
use super::recognise::model_crop;
use crate::model::Geometry;

/// One face in the JSON output.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// The file name a model's locator has beside the model.
pub const LOCATOR_FILE: &str = "locator.json";

/// Locates the faces of `frames`: boxes are the located face regions.
pub fn detect(config: &LocatorConfig, frames: &[PathBuf]) -> Result<DetectOut> {
    detect_for(config, None, frames)
}

/// Locates the faces of `frames`; with a model's geometry each box is that
/// model's crop of the face region ([`model_crop`]), else the region.
pub fn detect_for(
    config: &LocatorConfig,
    geometry: Option<&Geometry>,
    frames: &[PathBuf],
) -> Result<DetectOut> {
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
                let region = core_map.crop(f, w, h)?;
                let c = geometry.map_or(region, |g| model_crop(region, g));
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
