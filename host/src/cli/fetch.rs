//! `facenmf fetch olivetti|lfw`.

use std::path::PathBuf;

use crate::data::fetch::{self, Remote};

/// `facenmf fetch olivetti|lfw`.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Which dataset: `olivetti` or `lfw` (LFW funneled, 233 MB).
    #[arg(value_parser = ["olivetti", "lfw"])]
    pub dataset: String,
    /// Install from a file downloaded elsewhere instead (its sha256 is checked).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Cache directory (default: $FACENMF_DATA, else the platform's cache directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs `facenmf fetch`.
pub fn run_fetch(args: FetchArgs) -> anyhow::Result<()> {
    let remote = Remote::by_name(&args.dataset)?;
    let home = match args.dir {
        Some(d) => d,
        None => fetch::data_home()?,
    };
    let path = match &args.from {
        Some(file) => fetch::install_from_file(&remote, file, &home)?,
        None => fetch::fetch(&remote, &home, !args.quiet)?,
    };
    println!("{} is at {}", remote.name, path.display());
    println!("try: facenmf data info {}", path.display());
    Ok(())
}
