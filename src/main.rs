#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// signup-reactor: submits HubSpot signups through the Forms API only, and sends
/// each accepted signup's verification email exactly once, after the contact exists.
#[derive(Debug, Parser)]
#[command(name = "signup-reactor", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the reactor: webhook receiver and worker (see --role).
    Serve(Box<signup_reactor::commands::ServeArgs>),
    /// One screen from Redis: queues, streams, dead letters, quota, processes.
    Status(signup_reactor::ops::status::StatusArgs),
    /// Show what the reactor knows about a contact or a signup.
    Inspect(signup_reactor::ops::inspect::InspectArgs),
    /// List or replay the work the reactor gave up on.
    DeadLetters(signup_reactor::ops::dead_letters::DeadLettersArgs),
    /// Legacy public apps: set the webhook target and subscriptions (project apps
    /// deploy theirs with `hs project upload` from deploy/hubspot/).
    Subscriptions(signup_reactor::ops::subscriptions::SubscriptionsArgs),
    /// Check configuration, Redis and HubSpot credentials, one line each.
    Check(Box<signup_reactor::ops::preflight::PreflightArgs>),
    /// Probe a running reactor's /healthz (for container health checks).
    Healthcheck(signup_reactor::commands::HealthcheckArgs),
    /// Reproduce the signup race and show the reactor fixing it, against a
    /// local HubSpot simulator (runs its own redis-server unless REDIS_URL is set).
    #[cfg(feature = "demo")]
    Demo(signup_reactor::demo::DemoArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let command = std::env::args_os().nth(1);
            return exit(Err(signup_reactor::commands::refused(
                error,
                command.as_deref(),
            )));
        }
    };
    let result = match cli.command {
        Command::Serve(args) => signup_reactor::commands::serve(*args).await,
        Command::Status(args) => signup_reactor::ops::status::status(args).await,
        Command::Inspect(args) => signup_reactor::ops::inspect::inspect(args).await,
        Command::DeadLetters(args) => signup_reactor::ops::dead_letters::dead_letters(args).await,
        Command::Subscriptions(args) => {
            signup_reactor::ops::subscriptions::subscriptions(args).await
        }
        Command::Check(args) => signup_reactor::ops::preflight::preflight(*args).await,
        Command::Healthcheck(args) => signup_reactor::commands::healthcheck(args).await,
        #[cfg(feature = "demo")]
        Command::Demo(args) => signup_reactor::demo::run(args).await,
    };
    exit(result)
}

/// Success, or the error on stderr and a failing exit code.
fn exit(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A closed stderr must not turn a clean failure into a panic.
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
