//! `facenmf export`: a model as Rust `const` data for the firmware (without
//! `--model`, the default device model trained first).

use anyhow::{Context, Result};

/// Options of `facenmf export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A model saved by `facenmf train`. Without it, the default device model
    /// is trained first (the recipe of `facenmf train` with its defaults, on
    /// SOURCE or `$FACENMF_DATA/lfw_people_min20_r07`, at most 50 images a
    /// person) and saved next to `--out` as JSON.
    #[arg(long)]
    pub model: Option<std::path::PathBuf>,
    /// The dataset for the default model (a cache folder, an LFW folder, ...).
    #[arg(value_name = "SOURCE", conflicts_with = "model")]
    pub source: Option<std::path::PathBuf>,
    /// The same as SOURCE.
    #[arg(long, value_name = "SOURCE", hide = true, conflicts_with_all = ["source", "model"])]
    pub data: Option<std::path::PathBuf>,
    /// Where to write the Rust source.
    #[arg(long, default_value = "firmware/model.rs")]
    pub out: std::path::PathBuf,
}

/// Runs `facenmf export`.
pub fn run(args: ExportArgs) -> Result<()> {
    let model = match &args.model {
        Some(path) => crate::model::Model::load(path)?,
        None => {
            let data = match args.source.as_ref().or(args.data.as_ref()) {
                Some(d) => d.clone(),
                None => std::env::var_os("FACENMF_DATA")
                    .map(|d| std::path::PathBuf::from(d).join("lfw_people_min20_r07"))
                    .filter(|d| d.is_dir())
                    .context(
                        "no model given and no data for the default one: pass --model or SOURCE, or set \
                         FACENMF_DATA to a folder holding lfw_people_min20_r07 (see `facenmf fetch lfw` and \
                         `facenmf data convert`)",
                    )?,
            };
            let opts = crate::data::source::LoadOptions {
                max_per_person: Some(50),
                ..Default::default()
            };
            let ds = crate::data::source::load(&data, &opts)
                .with_context(|| format!("loading {}", data.display()))?;
            let provenance = std::collections::BTreeMap::from([
                (
                    "data".to_string(),
                    format!(
                        "{} ({}), at most 50 images a person",
                        data.display(),
                        ds.source
                    ),
                ),
                (
                    "command".to_string(),
                    "facenmf export (default device model)".to_string(),
                ),
            ]);
            let mut spec = crate::train::Spec::default();
            spec.nmf.progress = true;
            let (model, report) = crate::train::train(&ds, &spec, provenance)?;
            println!(
                "default device model: accuracy {:.1}% on {} test images (chip pipeline), K = {}",
                100.0 * report.accuracy,
                report.n_test,
                report.k
            );
            let json = args.out.with_extension("json");
            model.save(&json)?;
            println!("saved {}", json.display());
            model
        }
    };
    let bytes = crate::export::write(&model, &args.out)?;
    let budget = crate::budget::Shape::of(&model).budget(usize::from(model.max_sweeps), 0);
    println!(
        "wrote {} ({bytes} bytes of source; {} bytes of model data in flash, at most {} multiply-adds a face)",
        args.out.display(),
        budget.flash_bytes,
        budget.macs
    );
    Ok(())
}
