//! `facenmf frames --from DATASET --out DIR`: a seeded folder of camera-like
//! frames and its `truth.json`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::frames::split::model_photos;
use crate::frames::{generate_only, TRUTH_FILE};
use crate::model::Model;

/// Options of `facenmf frames`.
#[derive(Debug, Clone, Args)]
pub struct FramesArgs {
    /// LFW folder of person folders with 250x250 JPEGs (e.g. `$FACENMF_DATA/lfw_funneled_min20`).
    #[arg(long = "from", value_name = "DATASET")]
    pub from: PathBuf,
    /// Output folder (created); frames `frame_NNNNN.pgm` and `truth.json`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed: the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of frames.
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Share of the frames that are face-free (0..=1).
    #[arg(long, default_value_t = 0.25)]
    pub face_free: f64,
    /// Only the photos of this model's test split (the model trained on the
    /// people of `--from` in scikit-learn's order, e.g. on `lfw_people_min20_r07`);
    /// `--part train` for its training split.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// With `--model`: which part of its split the photos come from.
    #[arg(long, value_enum, default_value = "test", requires = "model")]
    pub part: Part,
    /// With `--model`: the `--max-per-person` the model was trained with.
    #[arg(long, value_name = "N", requires = "model")]
    pub max_per_person: Option<usize>,
}

/// A part of a model's split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// The photos the model was trained on (for the box map, training on located faces).
    Train,
    /// The photos it was tested on (for end-to-end figures).
    Test,
}

/// Runs `facenmf frames`.
pub fn run(args: FramesArgs) -> Result<()> {
    let only = match &args.model {
        Some(m) => {
            let model = Model::load(m)?;
            let split = model_photos(&args.from, &model, args.max_per_person)?;
            let (photos, part) = match args.part {
                Part::Train => (split.train, "training"),
                Part::Test => (split.test, "test"),
            };
            println!("{} photos of the model's {part} split", photos.len());
            Some(photos.into_iter().map(|(_, p)| p).collect::<Vec<_>>())
        }
        None => None,
    };
    let truth = generate_only(
        &args.from,
        only.as_deref(),
        &args.out,
        args.seed,
        args.count,
        args.face_free,
    )?;
    let faces = truth.frames.iter().filter(|f| f.face.is_some()).count();
    println!(
        "wrote {} frames ({} with a face, {} face-free) and {} to {}",
        truth.frames.len(),
        faces,
        truth.frames.len() - faces,
        TRUTH_FILE,
        args.out.display()
    );
    Ok(())
}
