//! `facenmf components`: an NMF basis drawn as a grid of images, and test
//! faces reconstructed from the chip's codes.

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use facenmf_core::nnls::StopRule;

use super::dataset::SourceArgs;
use super::output::check_output_path;
use super::study::InitName;
use crate::data::decode::write_png;
use crate::nmf::{self, Init, NmfParams, Solver};

/// `facenmf components`.
#[derive(Debug, clap::Args)]
pub struct ComponentsArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Number of NMF components K.
    #[arg(long, value_name = "K")]
    pub components: usize,
    /// Output PNG of the basis grid.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the reconstruction figure (original, WH, |X − WH|) of test faces here.
    #[arg(long, value_name = "PNG")]
    pub reconstructions: Option<PathBuf>,
    /// Faces in the reconstruction figure (the first of the test split).
    #[arg(long, default_value_t = 6)]
    pub faces: usize,
    /// Columns of the grid (default: about square).
    #[arg(long)]
    pub cols: Option<usize>,
    /// Share of images in the test split (the basis is fitted on the rest).
    #[arg(long, default_value_t = 0.2)]
    pub test_size: f64,
    /// Seed of the split and of the fit.
    #[arg(long, default_value_t = 8)]
    pub seed: u32,
    /// NMF solver.
    #[arg(long, value_enum, default_value_t = Solver::Mu)]
    pub solver: Solver,
    /// NMF init (default: scikit-learn's, nndsvda).
    #[arg(long, value_enum)]
    pub init: Option<InitName>,
    /// Most NMF iterations.
    #[arg(long, default_value_t = 400)]
    pub max_iter: usize,
    /// NMF tolerance (scikit-learn's rule of the solver; 0 runs max_iter).
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// Show a progress bar.
    #[arg(long)]
    pub progress: bool,
}

/// Runs `facenmf components`: fits the basis on the training split, draws it,
/// and (with `--reconstructions`) encodes the first test faces with the
/// chip's NNLS and draws them back.
pub fn run_components(args: ComponentsArgs) -> Result<()> {
    ensure!(
        args.components > 0,
        "--components must be at least 1 (got 0)"
    );
    check_output_path(&args.out, "--out")?;
    if let Some(r) = &args.reconstructions {
        check_output_path(r, "--reconstructions")?;
        ensure!(
            r != &args.out,
            "--out and --reconstructions name the same file"
        );
        ensure!(args.faces > 0, "--faces must be at least 1");
    }
    let (ds, _) = args.source.load()?;
    let split = ds.train_test_split(args.test_size, args.seed, false)?;
    let (d, k) = (ds.pixels(), args.components);
    let xtr = crate::eval::rows(&ds.images, d, &split.train_indices);
    let params = NmfParams {
        n_components: k,
        solver: args.solver,
        init: args.init.map(Init::from),
        max_iter: args.max_iter,
        tol: args.tol,
        seed: u64::from(args.seed),
        progress: args.progress,
        ..NmfParams::default()
    };
    let fit = nmf::fit(&xtr, split.train_indices.len(), d, &params)
        .with_context(|| format!("fitting NMF with K = {k}"))?;
    eprintln!(
        "{}: fitted K = {k} ({:?}) on {} images in {:.2} s, {} iterations, relative error {:.4}",
        ds.source,
        args.solver,
        split.train_indices.len(),
        fit.fit_seconds,
        fit.n_iter,
        fit.rel_error
    );
    let grid =
        crate::eval::components::render_component_grid(&fit.h, ds.height, ds.width, args.cols)?;
    let recon = match &args.reconstructions {
        Some(_) => {
            let idx: Vec<usize> = split
                .test_indices
                .iter()
                .copied()
                .take(args.faces)
                .collect();
            let x = crate::eval::rows(&ds.images, d, &idx);
            let codes =
                nmf::transform::transform(&x, idx.len(), &fit.h, k, d, StopRule::new(200, 1e-4))?.w;
            Some(crate::eval::components::render_reconstructions(
                &x, &codes, &fit.h, ds.height, ds.width,
            )?)
        }
        None => None,
    };
    write_png(&args.out, &grid)
        .with_context(|| format!("writing the component grid {}", args.out.display()))?;
    eprintln!("wrote {}", args.out.display());
    if let (Some(path), Some(img)) = (&args.reconstructions, &recon) {
        write_png(path, img)
            .with_context(|| format!("writing the reconstruction figure {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
