//! `facenmf`: the command-line trainer.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};

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
    Demo(facenmf_host::demo::DemoArgs),
    /// Run the chip's kernel on synthetic frames and check it against the float64 reference.
    Selftest {
        /// Seed of the synthetic frames.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a model as Rust const data for the firmware (without --model: the default device model).
    Export(facenmf_host::export::ExportArgs),
    /// Inspect, convert and view face datasets.
    Data {
        #[command(subcommand)]
        command: facenmf_host::data::cli::DataCommand,
    },
    /// Download Olivetti or LFW (checksummed) into the cache directory.
    Fetch(facenmf_host::data::cli::FetchArgs),
    /// Train the device model (NMF, LDA, templates), score it through the chip's pipeline, save it.
    Train(facenmf_host::train::cli::TrainArgs),
    /// Compare device models: accuracy against flash, RAM and multiply-adds.
    Models(facenmf_host::train::grid::ModelsArgs),
    /// Check the chip's kernel against the float64 reference on a model's test split.
    Check(facenmf_host::check::CheckArgs),
    /// Fit NMF and measure recognition (k-NN on codes, both protocols, PCA, LDA recipe).
    Eval(facenmf_host::eval::cli::EvalArgs),
    /// Evaluate over a range of component counts (table, CSV).
    ///
    /// The two protocols' NMF fits run side by side (same results), so the
    /// fit time (`fit s`, `fit_seconds`) is the inductive fit's wall time
    /// while it shares the cores with the transductive one.
    Sweep(facenmf_host::eval::cli::SweepArgs),
    /// Open-set recognition: strangers, the unknown threshold, enrolling newcomers.
    Openset(facenmf_host::openset::cli::OpenSetArgs),
    /// Who is in each photo or frame (a name or "unknown", distance, runner-up); accuracy on labelled folders.
    Recognise(facenmf_host::cli::recognise::RecogniseArgs),
    /// Add a person to a model from a few photos (and re-export it).
    Enroll(facenmf_host::enroll::EnrollArgs),
    /// Draw a fitted NMF basis as a grid of images (and reconstructions of test faces).
    Components(facenmf_host::eval::components::ComponentsArgs),
    /// Benchmark the NMF solvers against scikit-learn side by side (ratios).
    Bench(facenmf_host::eval::bench::BenchArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => facenmf_host::demo::cli(args),
        Command::Selftest { seed } => facenmf_host::selftest::main(seed),
        Command::Train(args) => facenmf_host::train::cli::run(args),
        Command::Check(args) => facenmf_host::check::cli(args),
        Command::Models(args) => facenmf_host::train::grid::cli(args),
        Command::Export(args) => facenmf_host::export::cli(args),
        Command::Data { command } => facenmf_host::data::cli::run_data(command),
        Command::Fetch(args) => facenmf_host::data::cli::run_fetch(args),
        Command::Eval(args) => facenmf_host::eval::cli::run_eval(args),
        Command::Sweep(args) => facenmf_host::eval::cli::run_sweep(args),
        Command::Openset(args) => facenmf_host::openset::cli::run(args),
        Command::Recognise(args) => facenmf_host::cli::recognise::run(args),
        Command::Enroll(args) => facenmf_host::enroll::cli(args),
        Command::Components(args) => facenmf_host::eval::components::run_components(args),
        Command::Bench(args) => facenmf_host::eval::bench::run_bench(args),
    }
}
