#![forbid(unsafe_code)]
//! `hubspot-simulator`: runs the simulator until Ctrl-C (see `--help`).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// A local HubSpot simulator: Forms, CRM, Single Send, webhooks and an
/// inspection API under `/_sim/`.
#[derive(Debug, Parser)]
#[command(name = "hubspot-simulator", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    args: hubspot_simulator::SimulateArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match hubspot_simulator::run(cli.args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
