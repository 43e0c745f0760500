//! The answer sheet of a generated frame folder: `truth.json`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// File name of the answer sheet inside a frame folder.
pub const TRUTH_FILE: &str = "truth.json";

/// A box in frame pixels (fractional: the photo is scaled by a real factor).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TruthBox {
    /// First row.
    pub top: f64,
    /// First column.
    pub left: f64,
    /// Rows.
    pub height: f64,
    /// Columns.
    pub width: f64,
}

impl TruthBox {
    /// Centre `(row, column)`.
    pub fn centre(&self) -> (f64, f64) {
        (self.top + self.height / 2.0, self.left + self.width / 2.0)
    }
}

/// One frame of the folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameTruth {
    /// File name inside the folder (`frame_00000.pgm`).
    pub file: String,
    /// The photo it was made from, relative to the dataset folder.
    pub source: String,
    /// The person's name (folder name with `_` as space).
    pub person: String,
    /// The person's label: index in the sorted names of the dataset folder.
    pub label: u16,
    /// The true face box (scikit-learn's LFW face region), `None` for a face-free frame.
    pub face: Option<TruthBox>,
}

/// The whole answer sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Frame width in pixels.
    pub width: usize,
    /// Frame height in pixels.
    pub height: usize,
    /// Seed the folder was made with.
    pub seed: u64,
    /// Dataset folder the photos came from.
    pub dataset: String,
    /// Sorted person names; `label` indexes them.
    pub classes: Vec<String>,
    /// The frames, in file order.
    pub frames: Vec<FrameTruth>,
}

impl Truth {
    /// Reads `DIR/truth.json`.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(TRUTH_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read {} (make it with `facenmf frames`)",
                path.display()
            )
        })?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a frame answer sheet", path.display()))
    }

    /// Writes `DIR/truth.json` whole or not at all.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        crate::atomic::write(&dir.join(TRUTH_FILE), text.as_bytes())
    }
}
