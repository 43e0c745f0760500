//! `facenmf locator fit|eval`: learning the box map on training frames and
//! scoring a locator on test frames.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::frames::Truth;
use crate::locate::config::{HostLocator, LocatorConfig, SeedingConfig, VerifierConfig};
use crate::locate::fit::fit_map;
use crate::locate::score::{run_folder, summarise};

/// `facenmf locator` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum LocatorCommand {
    /// Learn the detector-box → crop map on a frame folder and write locator.json.
    Fit(FitArgs),
    /// Score a locator on a frame folder: located %, false alarms, windows per level.
    Eval(EvalArgs),
    /// Write a locator as Rust const data for the firmware.
    Export(ExportArgs),
    /// Recognition on located faces against the same faces at their true boxes.
    Endtoend(super::endtoend::EndToEndArgs),
}

/// Options of `facenmf locator export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Locator file (from `facenmf locator fit`).
    #[arg(long)]
    pub locator: PathBuf,
    /// Output Rust file.
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `facenmf locator fit`.
#[derive(Debug, Clone, Args)]
pub struct FitArgs {
    /// Training frame folder (from `facenmf frames`).
    #[arg(long)]
    pub frames: PathBuf,
    /// Output locator file.
    #[arg(long)]
    pub out: PathBuf,
    /// OpenCV LBP cascade XML.
    #[arg(long, default_value = crate::locate::opencv::DEFAULT_CASCADE)]
    pub cascade: PathBuf,
    /// Smallest pyramid scale.
    #[arg(long, default_value_t = 1.2)]
    pub first_scale: f64,
    /// Scale step.
    #[arg(long, default_value_t = 1.05)]
    pub scale_step: f64,
    /// Windows every second pixel up to this scale, every pixel above (0: every pixel).
    #[arg(long, default_value_t = crate::locate::config::COARSE_UNTIL)]
    pub coarse_until: f64,
    /// Accepted windows a face needs, minus one.
    #[arg(long, default_value_t = 0)]
    pub min_neighbours: u16,
    /// Level pixels of repeated frame edge, `COLUMNS,ROWS`: columns left
    /// and right, rows above and below.
    #[arg(long, value_delimiter = ',', default_value = "3,0")]
    pub margin: Vec<u8>,
    /// Search every fine level whole (no coarse pass).
    #[arg(long)]
    pub full_search: bool,
    /// Stages a coarse window must pass to seed the fine search.
    #[arg(long, default_value_t = SeedingConfig::default().stages)]
    pub seed_stages: u16,
    /// Largest centre distance of a fine window from a seed, in seed sides.
    #[arg(long, default_value_t = SeedingConfig::default().reach)]
    pub seed_reach: f64,
    /// Largest side ratio of a fine window to a seed, either way.
    #[arg(long, default_value_t = SeedingConfig::default().ratio)]
    pub seed_ratio: f64,
    /// No verifier: keep every grouped face, choose the most-voted one.
    #[arg(long)]
    pub no_verifier: bool,
    /// OpenCV Haar cascade XML of the verifier.
    #[arg(long, default_value = crate::locate::opencv_haar::DEFAULT_HAAR)]
    pub haar: PathBuf,
    /// Windows around a face that must pass every Haar stage to keep it.
    #[arg(long, default_value_t = 2)]
    pub verify_hits: u8,
    /// Haar window offsets tried each side of a face's centre, patch pixels.
    #[arg(long, default_value_t = 2)]
    pub verify_reach: u8,
}

/// Options of `facenmf locator eval`.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Locator file (from `facenmf locator fit`).
    #[arg(long)]
    pub locator: PathBuf,
    /// Test frame folder (from `facenmf frames`).
    #[arg(long)]
    pub frames: PathBuf,
}

/// Runs `facenmf locator`.
pub fn run(cmd: LocatorCommand) -> Result<()> {
    match cmd {
        LocatorCommand::Endtoend(a) => super::endtoend::run(a),
        LocatorCommand::Fit(a) => {
            let truth = Truth::read(&a.frames)?;
            let &[columns, rows] = a.margin.as_slice() else {
                bail!(
                    "--margin takes two numbers, COLUMNS,ROWS (got {:?})",
                    a.margin
                );
            };
            let seeding = (!a.full_search).then(|| SeedingConfig {
                stages: a.seed_stages,
                reach: a.seed_reach,
                ratio: a.seed_ratio,
                ..SeedingConfig::default()
            });
            let verifier = (!a.no_verifier).then(|| VerifierConfig {
                cascade: a.haar,
                hits: a.verify_hits,
                reach: a.verify_reach,
                ..VerifierConfig::default()
            });
            let config = LocatorConfig {
                cascade: a.cascade,
                first_scale: a.first_scale,
                scale_step: a.scale_step,
                min_neighbours: a.min_neighbours,
                coarse_until: a.coarse_until,
                margin: [columns, rows],
                seeding,
                verifier,
                ..LocatorConfig::default()
            };
            let loc = HostLocator::new(config, truth.width, truth.height)?;
            let fitted = fit_map(&loc, &a.frames)?;
            let mut config = loc.config.clone();
            config.map = fitted.map;
            config.write(&a.out)?;
            println!(
                "map [row, col, height, width] (Q12) = {:?} from {} of {} face frames; wrote {}",
                fitted.map,
                fitted.frames,
                fitted.faces,
                a.out.display()
            );
            Ok(())
        }
        LocatorCommand::Export(a) => {
            let loc = HostLocator::new(LocatorConfig::read(&a.locator)?, 160, 120)?;
            let text = crate::locate::export::rust_source(&loc)?;
            crate::atomic::write(&a.out, text.as_bytes())?;
            println!(
                "wrote {} ({} stumps, {} features, {} stages)",
                a.out.display(),
                loc.cascade.weaks.len(),
                loc.cascade.features.len(),
                loc.cascade.stages.len()
            );
            Ok(())
        }
        LocatorCommand::Eval(a) => {
            let config = LocatorConfig::read(&a.locator)?;
            let truth = Truth::read(&a.frames)?;
            let loc = HostLocator::new(config, truth.width, truth.height)?;
            let (truth, answers, ms) = run_folder(&loc, &a.frames)?;
            let s = summarise(&loc, &truth, &answers, ms);
            let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
            println!(
                "located {}/{} = {:.1}% (a face chosen on {:.1}%), false alarms {}/{} = {:.1}%",
                s.located,
                s.faces,
                pct(s.located, s.faces),
                pct(s.answered, s.faces),
                s.false_alarms,
                s.face_free,
                pct(s.false_alarms, s.face_free)
            );
            println!(
                "some group locates the face on {}/{} = {:.1}%; other groups on face frames {} ({:.2} a frame); groups on face-free frames {} (on {}/{} frames = {:.1}%)",
                s.some_located,
                s.faces,
                pct(s.some_located, s.faces),
                s.stray_groups,
                s.stray_groups as f64 / s.faces.max(1) as f64,
                s.free_groups.0,
                s.free_groups.1,
                s.face_free,
                pct(s.free_groups.1, s.face_free)
            );
            println!(
                "windows per frame {:.0}, stages {:.0}, level pixels {:.0}; seeds {:.1} (buffer full on {} frames); host {:.2} ms per frame (one thread)",
                s.windows,
                s.levels.iter().map(|l| l.stages).sum::<f64>(),
                s.levels.iter().map(|l| l.pixels).sum::<f64>(),
                s.seeds.0,
                s.seeds.1,
                s.host_ms
            );
            if loc.config.verifier.is_some() {
                let n = answers.len().max(1) as f64;
                let (mut faces, mut windows, mut trees, mut most) = (0.0, 0.0, 0.0, 0);
                for v in answers.iter().filter_map(|a| a.verified) {
                    faces += f64::from(v.verified);
                    windows += f64::from(v.windows);
                    trees += f64::from(v.trees);
                    most = most.max(v.trees);
                }
                println!(
                    "verifier: {:.2} faces verified, {:.0} Haar windows, {:.0} trees per frame (most {most})",
                    faces / n,
                    windows / n,
                    trees / n
                );
            }
            println!(
                "| pass | level | scale | size | pixels/frame | windows/frame | stages/frame |"
            );
            println!("|---|---|---|---|---|---|---|");
            let mut index = [0usize; 2];
            for l in &s.levels {
                let i = &mut index[usize::from(!l.coarse)];
                println!(
                    "| {} | {} | {:.3} | {}x{} | {:.0} | {:.0} | {:.0} |",
                    if l.coarse { "coarse" } else { "fine" },
                    i,
                    l.scale,
                    l.size.0,
                    l.size.1,
                    l.pixels,
                    l.windows,
                    l.stages
                );
                *i += 1;
            }
            Ok(())
        }
    }
}
