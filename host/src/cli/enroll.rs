//! `facenmf enroll` (alias `enrol`): add a person to a model from a few
//! photos, and re-export it.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::data::lfw::Slice;
use crate::enroll::{self, TemplateMode};
use crate::model::Model;

/// Options of `facenmf enroll`.
#[derive(Debug, clap::Args)]
pub struct EnrollArgs {
    /// The model (JSON) to add the person to.
    #[arg(long)]
    pub model: PathBuf,
    /// The person's name.
    #[arg(long)]
    pub person: String,
    /// Photos of the person (PNG or JPEG; any size: resized to the model's frame).
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// Cut each photo to R0:R1,C0:C1 first (LFW photos: 70:195,78:172).
    #[arg(long, value_name = "R0:R1,C0:C1", value_parser = super::parse::slice)]
    pub slice: Option<Slice>,
    /// One template per photo instead of their mean.
    #[arg(long, value_enum, default_value = "mean")]
    pub templates: TemplateMode,
    /// Where to save the new model (default: replace --model, atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also export the new model as Rust for the firmware, to this path.
    #[arg(long)]
    pub export: Option<PathBuf>,
}

/// Runs `facenmf enroll`.
pub fn run(args: EnrollArgs) -> Result<()> {
    let mut model = Model::load(&args.model)?;
    let frames = enroll::read_photos(&model, &args.images, args.slice)?;
    let v = enroll::vectors(&model, &frames)?;
    let label = enroll::add_person(&mut model, &args.person, &v, args.templates)?;
    let out: &Path = args.out.as_deref().unwrap_or(&args.model);
    // Render the export first: if it fails, nothing is written.
    let rust = args
        .export
        .as_ref()
        .map(|_| crate::export::render(&model))
        .transpose()?;
    model.save(out)?;
    println!(
        "enrolled `{}` as label {label} from {} photo(s): {} template(s); the model now knows {} people; saved to {}",
        args.person.trim(),
        args.images.len(),
        model.templates.iter().filter(|t| t.label == label).count(),
        model.class_names.len(),
        out.display()
    );
    if let (Some(path), Some(text)) = (&args.export, rust) {
        crate::atomic::write(path, text.as_bytes())?;
        println!("exported to {}", path.display());
    }
    Ok(())
}
