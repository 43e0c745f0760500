//! `facenmf check`: the chip's kernel against the float64 reference on a
//! model's test split, with the model's accuracy there.

use anyhow::Result;

use super::dataset::SourceArgs;
use crate::check;
use crate::chip::Chip;
use crate::model::Model;

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
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["accuracy"] = serde_json::json!(accuracy);
        println!("{v}");
    } else {
        report.print();
        println!(
            "  model accuracy         {:.1}% on the test split (chip pipeline)",
            100.0 * accuracy
        );
    }
    anyhow::ensure!(
        report.pass,
        "check failed: the kernel does not agree with the reference"
    );
    Ok(())
}
