//! `facenmf demo`: the whole job in one command, with a report folder.

use std::path::PathBuf;

use anyhow::Result;

use super::parse;
use crate::demo;

/// Options of `facenmf demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// The faces (an olivettifaces.mat, a cache folder, an LFW folder, a
    /// folder of person folders). Default: Olivetti from $FACENMF_DATA or
    /// the cache, downloaded if needed, else synthetic faces.
    #[arg(value_name = "SOURCE")]
    pub source: Option<PathBuf>,
    /// The same as SOURCE.
    #[arg(long, value_name = "SOURCE", hide = true, conflicts_with = "source")]
    pub data: Option<PathBuf>,
    /// The report folder (created; files in it are replaced whole).
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Run on synthetic faces even if real ones are around.
    #[arg(long)]
    pub synthetic: bool,
    /// Never download.
    #[arg(long)]
    pub offline: bool,
    /// Skip the firmware run in QEMU.
    #[arg(long)]
    pub no_firmware: bool,
    /// Component counts of the sweep (`A..=B:STEP` or a comma list).
    #[arg(long, default_value = "10..=100:15")]
    pub sweep: String,
    /// Keep at most N images a person (LFW: the study's 50).
    #[arg(long, value_name = "N")]
    pub max_per_person: Option<usize>,
    /// Strangers from a second dataset of SOURCE's image size (e.g.
    /// ../shared/data/lfw_people_1to9_r07): every SOURCE person is known,
    /// the device recipe (LBP, K = 192) is trained, and the strangers split
    /// by person choose and measure the threshold and enrol as newcomers.
    #[arg(long, value_name = "DIR")]
    pub strangers: Option<PathBuf>,
}

impl DemoArgs {
    /// The demo's options.
    pub fn options(&self) -> Result<demo::Options> {
        Ok(demo::Options {
            data: self.source.clone().or_else(|| self.data.clone()),
            out: self.out.clone(),
            synthetic: self.synthetic,
            offline: self.offline,
            no_firmware: self.no_firmware,
            sweep: parse::components(&self.sweep)?,
            max_per_person: self.max_per_person,
            strangers: self.strangers.clone(),
        })
    }
}

/// Runs `facenmf demo` and prints where everything went.
pub fn run(args: DemoArgs) -> Result<()> {
    let out = args.out.clone();
    let summary = demo::run(&args.options()?)?;
    println!();
    print!("{}", demo::report::text(&summary));
    println!(
        "\nreport folder: {} (summary.md, summary.json, and the files listed above)",
        out.display()
    );
    if summary.synthetic {
        eprintln!("\n{}", demo::find::SYNTHETIC_NOTICE);
    }
    Ok(())
}
