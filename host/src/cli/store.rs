//! `facenmf store`: list the people in a dump of the device's template
//! store, or write a store image with a person enrolled on the host.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::data::lfw::Slice;
use crate::model::Model;
use crate::store::{self, Board};

/// Options of `facenmf store`.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    #[command(subcommand)]
    pub command: StoreCommand,
}

/// What `facenmf store` does.
#[derive(Debug, clap::Subcommand)]
pub enum StoreCommand {
    /// List the people in a dump of the store region (e.g. read out with probe-rs).
    List {
        /// The dump.
        dump: PathBuf,
        /// The board whose region it is.
        #[arg(long, value_enum, default_value = "qemu")]
        board: Board,
        /// Also say whether the dump belongs to this model (JSON).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Enrol a person from photos into a store image (new, or --base), to flash alongside the firmware.
    Add {
        /// The model (JSON) the firmware carries.
        #[arg(long)]
        model: PathBuf,
        /// The person's name (at most 32 bytes).
        #[arg(long)]
        person: String,
        /// Photos of the person (their vectors' mean is the template).
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Cut each photo to R0:R1,C0:C1 first.
        #[arg(long, value_name = "R0:R1,C0:C1", value_parser = super::parse::slice)]
        slice: Option<Slice>,
        /// An image to add to (default: an erased region).
        #[arg(long)]
        base: Option<PathBuf>,
        /// Where to write the image (atomically).
        #[arg(long)]
        out: PathBuf,
        /// The board whose region it is.
        #[arg(long, value_enum, default_value = "qemu")]
        board: Board,
    },
}

/// Runs `facenmf store`.
pub fn run(args: StoreArgs) -> Result<()> {
    match args.command {
        StoreCommand::List { dump, board, model } => {
            let bytes =
                std::fs::read(&dump).with_context(|| format!("reading {}", dump.display()))?;
            let c = store::read(&bytes, board)
                .with_context(|| format!("reading the store dump {}", dump.display()))?;
            if c.m == 0 {
                println!("{}: an erased store (nobody enrolled)", dump.display());
                return Ok(());
            }
            println!(
                "{}: model {:016x}, M = {}, {} of {} people, {} torn slot(s) skipped",
                dump.display(),
                c.model,
                c.m,
                c.people.len(),
                c.capacity,
                c.torn
            );
            if let Some(path) = model {
                let id = store::model_id(&Model::load(&path)?);
                if id == c.model {
                    println!("belongs to {} ({id:016x})", path.display());
                } else {
                    println!(
                        "does NOT belong to {} ({id:016x}): the device refuses it with that model",
                        path.display()
                    );
                }
            }
            for p in &c.people {
                println!("label {:>5}  {}", p.label, p.name);
            }
            Ok(())
        }
        StoreCommand::Add {
            model,
            person,
            images,
            slice,
            base,
            out,
            board,
        } => {
            let m = Model::load(&model)?;
            let frames = crate::enroll::read_photos(&m, &images, slice)?;
            let v = crate::enroll::vectors(&m, &frames)?;
            let t = crate::enroll::templates(0, &v, m.m(), crate::enroll::TemplateMode::Mean)?;
            let base_bytes = base
                .as_ref()
                .map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display())))
                .transpose()?;
            let (image, label) = store::add(
                base_bytes.as_deref(),
                board,
                &m,
                person.trim(),
                &t[0].vector,
            )?;
            crate::atomic::write(&out, &image)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "stored `{}` as label {label} from {} photo(s) in {} ({:?} region, model {:016x})",
                person.trim(),
                images.len(),
                out.display(),
                board,
                store::model_id(&m)
            );
            Ok(())
        }
    }
}
