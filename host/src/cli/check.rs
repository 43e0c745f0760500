//! `facenmf check`: the chip's kernel against the float64 reference on a
//! model's test split, with the model's accuracy there.

use anyhow::Result;

use super::dataset::SourceArgs;
use crate::check;
use crate::chip::Chip;
use crate::model::Model;
use crate::qemu;

/// Options of `facenmf check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The model (JSON) saved by `facenmf train`.
    #[arg(long)]
    pub model: std::path::PathBuf,
    /// The dataset it was trained on; its test split is checked.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Also run the model on the QEMU board (the firmware built with it) on
    /// the first 64 frames of the test split that fit its flash: every
    /// answer and vector must be the host's, bit for bit. Needs a clone of
    /// the repository, qemu-system-arm and the thumbv7em-none-eabihf target.
    #[arg(long)]
    pub qemu: bool,
}

/// Runs `facenmf check`; fails when the verdict does.
pub fn run(args: CheckArgs) -> Result<()> {
    let model = Model::load(&args.model)?;
    let (ds, _) = args.source.load()?;
    let test = crate::train::test_split(&model, &ds)?;
    let thumbs: Vec<Vec<f32>> = (0..test.len()).map(|i| test.image(i).to_vec()).collect();
    let report = check::run(&model, &thumbs)?;
    // The model's own score on that split, through the chip's pipeline.
    let accuracy = Chip::new(&model)?.accuracy(&test)?;
    let board = if args.qemu {
        let frames = crate::train::test_frames(&model, &ds)?.frames();
        let dir = tempfile::tempdir()?;
        Some(Board::of(&qemu::replay_model(&model, &frames, dir.path())?))
    } else {
        None
    };
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["accuracy"] = serde_json::json!(accuracy);
        v["qemu"] = serde_json::to_value(&board)?;
        println!("{v}");
    } else {
        report.print();
        println!(
            "  model accuracy         {:.1}% on the test split (chip pipeline)",
            100.0 * accuracy
        );
        if let Some(b) = &board {
            b.print();
        }
    }
    anyhow::ensure!(
        report.pass,
        "check failed: the kernel does not agree with the reference"
    );
    if let Some(b) = &board {
        anyhow::ensure!(
            b.bit_identical == b.frames,
            "check failed: the QEMU board's codes or vectors differ from the host's on {} of {} frames",
            b.frames - b.bit_identical,
            b.frames
        );
    }
    Ok(())
}

/// The QEMU board's figures in the check's report.
#[derive(Debug, serde::Serialize)]
struct Board {
    /// Frames replayed, frames with the host's answer, frames with its code
    /// and vector bit for bit.
    frames: usize,
    same_answer: usize,
    bit_identical: usize,
    /// Instructions an inference (from SysTick ticks), mean and largest.
    mean_instructions: f64,
    max_instructions: f64,
    /// The mean at 168 MHz, in milliseconds.
    mean_ms: f64,
}

impl Board {
    fn of(r: &qemu::Replay) -> Self {
        Self {
            frames: r.agreement.frames,
            same_answer: r.agreement.same_answer,
            bit_identical: r.agreement.bit_identical,
            mean_instructions: r.mean_instructions,
            max_instructions: r.max_instructions,
            mean_ms: qemu::milliseconds(r.mean_instructions),
        }
    }

    fn print(&self) {
        println!(
            "  QEMU board             {}/{} frames the host's answer, {} bit-identical",
            self.same_answer, self.frames, self.bit_identical
        );
        println!(
            "  instructions           {:.0} an inference on average ({:.1} ms at 168 MHz), {:.0} at most",
            self.mean_instructions, self.mean_ms, self.max_instructions
        );
    }
}
