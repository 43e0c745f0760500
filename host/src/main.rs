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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Selftest => {
            println!("selftest: not yet");
            Ok(())
        }
    }
}
