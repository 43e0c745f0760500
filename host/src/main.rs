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
    /// Encode synthetic faces with the chip's kernel and check it against the float64 reference.
    Selftest,
    /// Inspect, convert and view face datasets.
    Data {
        #[command(subcommand)]
        command: facenmf_host::data::cli::DataCommand,
    },
    /// Download Olivetti or LFW (checksummed) into the cache directory.
    Fetch(facenmf_host::data::cli::FetchArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Selftest => {
            println!("selftest: not yet");
            Ok(())
        }
        Command::Data { command } => facenmf_host::data::cli::run_data(command),
        Command::Fetch(args) => facenmf_host::data::cli::run_fetch(args),
    }
}
