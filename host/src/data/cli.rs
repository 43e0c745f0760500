//! The `facenmf data ...` and `facenmf fetch ...` commands.

use super::fetch::{self, Remote};
use super::lfw::Slice;
use super::source::{self, Format, LoadOptions};
use super::{cache, sheet, Dataset};
use anyhow::{bail, Context};
use std::path::PathBuf;
use std::time::Instant;

/// `facenmf data <command>`.
#[derive(Debug, clap::Subcommand)]
pub enum DataCommand {
    /// Number of images, people, image size, images per person and load time.
    Info {
        #[command(flatten)]
        source: SourceArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the dataset in the raw cache format (images.u8, labels.u8, meta.json).
    Convert {
        #[command(flatten)]
        source: SourceArgs,
        /// Output folder (created if needed).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a PNG contact sheet: one person per row, with names.
    Show {
        #[command(flatten)]
        source: SourceArgs,
        /// Output PNG file.
        #[arg(long)]
        out: PathBuf,
        /// Faces shown per person.
        #[arg(long, default_value_t = 10)]
        per_row: usize,
        /// Show only the first N people.
        #[arg(long)]
        people: Option<usize>,
    },
}

/// Where the data is and how to load it.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// A cache folder, an LFW folder, an olivettifaces.mat or a folder of person folders.
    pub source: PathBuf,
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
    #[arg(long, value_name = "R0:R1,C0:C1", value_parser = parse_slice)]
    pub slice: Option<Slice>,
    /// Fixed output size HxW instead of a factor (for pictures of mixed sizes).
    #[arg(long, value_name = "HxW", value_parser = parse_size)]
    pub size: Option<(usize, usize)>,
    /// Keep the first N images of each person.
    #[arg(long, value_name = "N")]
    pub max_per_person: Option<usize>,
    /// Skip pictures that fail to decode (with a warning) instead of stopping.
    #[arg(long)]
    pub skip_corrupt: bool,
}

fn parse_range(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}` is not START:STOP"))?;
    let a = a
        .trim()
        .parse()
        .map_err(|_| format!("`{a}` is not a number"))?;
    let b = b
        .trim()
        .parse()
        .map_err(|_| format!("`{b}` is not a number"))?;
    if b <= a {
        return Err(format!("`{s}` is empty (STOP must be greater than START)"));
    }
    Ok((a, b))
}

/// Parses `R0:R1,C0:C1`.
pub fn parse_slice(s: &str) -> Result<Slice, String> {
    let (r, c) = s
        .split_once(',')
        .ok_or("expected ROW0:ROW1,COL0:COL1, e.g. 70:195,78:172")?;
    Ok(Slice {
        rows: parse_range(r)?,
        cols: parse_range(c)?,
    })
}

/// Parses `HxW`.
pub fn parse_size(s: &str) -> Result<(usize, usize), String> {
    let (h, w) = s.split_once(['x', 'X']).ok_or("expected HxW, e.g. 64x48")?;
    let h: usize = h
        .trim()
        .parse()
        .map_err(|_| format!("`{h}` is not a number"))?;
    let w: usize = w
        .trim()
        .parse()
        .map_err(|_| format!("`{w}` is not a number"))?;
    if h == 0 || w == 0 {
        return Err("height and width must be at least 1".into());
    }
    Ok((h, w))
}

impl SourceArgs {
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
        let ds = source::load(&self.source, &self.options())
            .with_context(|| format!("loading {}", self.source.display()))?;
        Ok((ds, t.elapsed().as_secs_f64()))
    }
}

fn summary(ds: &Dataset, secs: f64) -> serde_json::Value {
    let mut counts = ds.class_counts();
    counts.sort_unstable();
    let median = match counts.len() {
        0 => 0.0,
        n if n % 2 == 1 => counts[n / 2] as f64,
        n => (counts[n / 2 - 1] + counts[n / 2]) as f64 / 2.0,
    };
    serde_json::json!({
        "source": ds.source,
        "images": ds.len(),
        "people": ds.class_names.len(),
        "height": ds.height,
        "width": ds.width,
        "images_per_person": {
            "min": counts.first().copied().unwrap_or(0),
            "median": median,
            "max": counts.last().copied().unwrap_or(0),
        },
        "load_seconds": secs,
    })
}

/// Runs `facenmf data <command>`.
pub fn run_data(cmd: DataCommand) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Info { source, json } => {
            let (ds, secs) = source.load()?;
            let s = summary(&ds, secs);
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                let p = &s["images_per_person"];
                println!("source:            {}", ds.source);
                println!("images:            {}", ds.len());
                println!("people:            {}", ds.class_names.len());
                println!(
                    "image size:        {} x {} (height x width)",
                    ds.height, ds.width
                );
                println!(
                    "images per person: min {}, median {}, max {}",
                    p["min"], p["median"], p["max"]
                );
                println!("load time:         {secs:.2} s");
            }
        }
        DataCommand::Convert { source, out } => {
            let (ds, secs) = source.load()?;
            let mut extra = serde_json::Map::new();
            extra.insert(
                "converted_from".into(),
                source.source.display().to_string().into(),
            );
            cache::save(&ds, &out, Some(extra))
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "wrote {} images of {} people ({} x {}) to {} (loaded in {secs:.2} s)",
                ds.len(),
                ds.class_names.len(),
                ds.height,
                ds.width,
                out.display()
            );
        }
        DataCommand::Show {
            source,
            out,
            per_row,
            people,
        } => {
            if per_row == 0 {
                bail!("--per-row must be at least 1");
            }
            let (ds, _) = source.load()?;
            sheet::write(&ds, &out, per_row, people)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "wrote {} ({} people)",
                out.display(),
                people
                    .unwrap_or(ds.class_names.len())
                    .min(ds.class_names.len())
            );
        }
    }
    Ok(())
}

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
