//! `facenmf`: the command-line trainer.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use facenmf_host::cli;

#[derive(Debug, Parser)]
#[command(
    name = "facenmf",
    version,
    about = "Train, evaluate and export an NMF face recogniser for a microcontroller"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole job: find faces, evaluate, train with strangers held out, export, check, run the firmware in QEMU; a report folder.
    Demo(cli::demo::DemoArgs),
    /// Run the chip's kernel on synthetic frames and check it against the float64 reference.
    Selftest {
        /// Seed of the synthetic frames.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a model as Rust const data for the firmware (without --model: the default device model).
    Export(cli::export::ExportArgs),
    /// Inspect, convert and view face datasets.
    Data {
        #[command(subcommand)]
        command: cli::data::DataCommand,
    },
    /// Download Olivetti or LFW (checksummed) into the cache directory.
    Fetch(cli::fetch::FetchArgs),
    /// Train the device model (NMF, LDA, templates), score it through the chip's pipeline, save it.
    Train(cli::train::TrainArgs),
    /// Compare device models: accuracy against flash, RAM and multiply-adds.
    Models(cli::models::ModelsArgs),
    /// Check the chip's kernel against the float64 reference on a model's test split.
    Check(cli::check::CheckArgs),
    /// Fit NMF and measure recognition (k-NN on codes, both protocols, PCA, LDA recipe).
    Eval(cli::eval::EvalArgs),
    /// Evaluate over a range of component counts (table, CSV).
    ///
    /// The two protocols' NMF fits run side by side (same results), so the
    /// fit time (`fit s`, `fit_seconds`) is the inductive fit's wall time
    /// while it shares the cores with the transductive one.
    Sweep(cli::sweep::SweepArgs),
    /// Open-set recognition: strangers, the unknown threshold, enrolling newcomers.
    Openset(cli::openset::OpenSetArgs),
    /// Who is in each photo or frame (a name or "unknown", distance, runner-up); accuracy on labelled folders.
    Recognise(cli::recognise::RecogniseArgs),
    /// Add a person to a model from a few photos (and re-export it).
    #[command(alias = "enrol")]
    Enroll(cli::enroll::EnrollArgs),
    /// Draw a fitted NMF basis as a grid of images (and reconstructions of test faces).
    Components(cli::components::ComponentsArgs),
    /// Make camera-like 160x120 frames from LFW photos, with their true face boxes (truth.json).
    Frames(cli::frames::FramesArgs),
    /// Find the faces in whole frames (the chosen one first); --json for one JSON object.
    Detect(cli::detect::DetectArgs),
    /// Fit the face locator's box map on frames, or score it.
    Locator {
        #[command(subcommand)]
        command: cli::locator::LocatorCommand,
    },
    /// Benchmark the NMF solvers against scikit-learn side by side (ratios).
    Bench(cli::bench::BenchArgs),
    /// List the people in a dump of the device's template store, or write a store image.
    Store(cli::store::StoreArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => cli::demo::run(args),
        Command::Selftest { seed } => facenmf_host::selftest::main(seed),
        Command::Train(args) => cli::train::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Models(args) => cli::models::run(args),
        Command::Export(args) => cli::export::run(args),
        Command::Data { command } => cli::data::run_data(command),
        Command::Fetch(args) => cli::fetch::run_fetch(args),
        Command::Eval(args) => cli::eval::run_eval(args),
        Command::Sweep(args) => cli::sweep::run_sweep(args),
        Command::Openset(args) => cli::openset::run(args),
        Command::Recognise(args) => cli::recognise::run(args),
        Command::Enroll(args) => cli::enroll::run(args),
        Command::Components(args) => cli::components::run_components(args),
        Command::Bench(args) => cli::bench::run_bench(args),
        Command::Store(args) => cli::store::run(args),
        Command::Frames(args) => cli::frames::run(args),
        Command::Detect(args) => cli::detect::run(args),
        Command::Locator { command } => cli::locator::run(command),
    }
}
