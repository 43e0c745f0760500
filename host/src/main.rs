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
    /// Run the chip's kernel on synthetic frames and check it against the float64 reference.
    Selftest {
        /// Seed of the synthetic frames.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Selftest { seed } => facenmf_host::selftest::main(seed),
    }
}
