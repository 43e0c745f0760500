//! The dataset argument every command that reads one takes the same way:
//! a positional `SOURCE` (`--data SOURCE` is a hidden alias) and the same
//! loading options.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use super::parse;
use crate::data::lfw::Slice;
use crate::data::source::{self, Format, LoadOptions};
use crate::data::Dataset;

/// Where the data is and how to load it.
#[derive(Debug, Clone, clap::Args)]
pub struct SourceArgs {
    /// A cache folder, an LFW folder, an olivettifaces.mat or a folder of person folders.
    #[arg(value_name = "SOURCE", required_unless_present = "data")]
    pub source: Option<PathBuf>,
    /// The same as SOURCE.
    #[arg(long, value_name = "SOURCE", hide = true, conflicts_with = "source")]
    pub data: Option<PathBuf>,
    /// The kind of SOURCE, instead of detecting it.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Keep people with at least N images.
    #[arg(long, value_name = "N")]
    pub min_faces: Option<usize>,
    /// Resize factor of the cut (LFW default 0.5).
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub resize: Option<f64>,
    /// Cut as ROW0:ROW1,COL0:COL1 (LFW default 70:195,78:172).
    #[arg(long, value_name = "R0:R1,C0:C1", value_parser = parse::slice)]
    pub slice: Option<Slice>,
    /// Fixed output size HxW instead of a factor (for pictures of mixed sizes).
    #[arg(long, value_name = "HxW", value_parser = parse::size)]
    pub size: Option<(usize, usize)>,
    /// Keep the first N images of each person.
    #[arg(long, value_name = "N")]
    pub max_per_person: Option<usize>,
    /// Skip pictures that fail to decode (with a warning) instead of stopping.
    #[arg(long)]
    pub skip_corrupt: bool,
}

impl SourceArgs {
    /// The dataset's path (SOURCE or `--data`; clap requires one).
    pub fn path(&self) -> &Path {
        self.source
            .as_deref()
            .or(self.data.as_deref())
            .unwrap_or(Path::new("."))
    }

    /// The library's options for these arguments.
    pub fn options(&self) -> LoadOptions {
        LoadOptions {
            format: self.format,
            min_faces_per_person: self.min_faces,
            resize: self.resize,
            slice: self.slice,
            size: self.size,
            max_per_person: self.max_per_person,
            skip_corrupt: self.skip_corrupt,
        }
    }

    /// Loads the dataset, returning it and the seconds it took.
    pub fn load(&self) -> anyhow::Result<(Dataset, f64)> {
        let t = Instant::now();
        let ds = source::load(self.path(), &self.options())
            .with_context(|| format!("loading {}", self.path().display()))?;
        Ok((ds, t.elapsed().as_secs_f64()))
    }
}
