//! `facenmf demo`: the whole job in one command, from faces to an answer on
//! the chip.
//!
//! 1. find faces ([`find`]: `--data`, Olivetti in `$FACENMF_DATA` or the
//!    cache, a download, or synthetic faces, said loudly);
//! 2. evaluate NMF as the study did, both protocols, against PCA and
//!    Fisherfaces, and sweep the number of components;
//! 3. train the device model with strangers: either a share of SOURCE's
//!    people held out ([`crate::openset::protocol`], the pixel recipe;
//!    newcomers enrolled from 1, 3, 5, 10 photos) or, with `--strangers
//!    DIR`, every SOURCE person known and the strangers of a second dataset
//!    ([`crate::openset::strangers`], the device recipe and decision;
//!    newcomers from 1 and 3 photos); the model carries the "unknown"
//!    threshold chosen at a 5% false-accept rate;
//! 4. export it for the firmware and `check` the kernel against float64;
//! 5. where QEMU and the thumbv7em target are present, build the firmware
//!    with that model and frames of known people and strangers, run it, and
//!    compare every answer with the host's;
//! 6. write everything to a report folder ([`report`]).

pub mod find;
pub mod report;
mod steps;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};

pub use report::Summary;

/// What the demo runs on and where its report goes.
#[derive(Debug, Clone)]
pub struct Options {
    /// The faces (an olivettifaces.mat, a cache folder, an LFW folder, a
    /// folder of person folders). `None`: Olivetti from $FACENMF_DATA or
    /// the cache, downloaded if needed, else synthetic faces.
    pub data: Option<PathBuf>,
    /// The report folder (created; files in it are replaced whole).
    pub out: PathBuf,
    /// Run on synthetic faces even if real ones are around.
    pub synthetic: bool,
    /// Never download.
    pub offline: bool,
    /// Skip the firmware run in QEMU.
    pub no_firmware: bool,
    /// Component counts of the sweep.
    pub sweep: Vec<usize>,
    /// Keep at most N images a person.
    pub max_per_person: Option<usize>,
    /// Strangers from a second dataset of the same image size: every
    /// SOURCE person is known and the device recipe is trained. `None`: a
    /// share of SOURCE's people are held out as strangers and the pixel
    /// recipe is trained.
    pub strangers: Option<PathBuf>,
}

/// Runs the demo and returns its summary (also written to the report folder).
pub fn run(args: &Options) -> Result<Summary> {
    let started = Instant::now();
    let mut found = find::find(args.data.as_deref(), args.synthetic, args.offline)?;
    if let Some(n) = args.max_per_person {
        anyhow::ensure!(n > 0, "--max-per-person must be at least 1");
        found.ds = found.ds.max_per_person(n);
    }
    if let Some(dir) = &args.strangers {
        found.strangers = Some(find::strangers(dir, &found.ds)?);
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the report folder {}", args.out.display()))?;
    if found.synthetic {
        eprintln!("\n{}\n", find::SYNTHETIC_NOTICE);
    }
    let summary = steps::all(args, &found, started)?;
    report::write(&args.out, &summary)?;
    Ok(summary)
}
