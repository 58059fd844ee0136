//! `signup-reactor demo`: the race of the original support thread reproduced
//! and fixed in one command. The same signups run through two flows, each
//! against its own fresh HubSpot simulator: the naive flow (submit the form,
//! wait 5 s, Single Send with `contactProperties`) and the reactor flow
//! (`POST /v1/signups`, nothing else). The figures come from the simulator's
//! view of the account.

mod chaos;
mod drive;
mod hubspot;
mod interrupt;
mod measure;
mod naive;
mod options;
mod private_redis;
mod progress;
mod reactor_config;
mod reactor_flow;
mod redis_prefix;
mod report;
mod signups;
mod table;

use std::time::Instant;

use std::io::Write as _;

use anyhow::{Context, bail};
use tokio_util::sync::CancellationToken;

pub use measure::{FlowFigures, OFFLINE_SOURCE};
pub use options::{DemoArgs, DemoOptions};
pub use report::DemoReport;
pub use table::render;

use progress::FlowProgress;

/// Runs the demo with these options and returns both flows' figures. Every
/// key written under the run's Redis prefix is deleted before it returns,
/// whether the run succeeded or not. `cancel` stops the run early (Ctrl-C).
pub async fn run_demo(
    options: &DemoOptions,
    cancel: &CancellationToken,
) -> anyhow::Result<DemoReport> {
    options.validate()?;
    let private = match &options.redis_url {
        Some(_) => None,
        None => Some(private_redis::PrivateRedis::start().await?),
    };
    let mut options = options.clone();
    if let Some(private) = &private {
        options.redis_url = Some(private.url().to_owned());
    }
    let outcome = run_with_redis(&options, cancel).await;
    if let Some(private) = private {
        private.stop().await;
    }
    outcome
}

async fn run_with_redis(
    options: &DemoOptions,
    cancel: &CancellationToken,
) -> anyhow::Result<DemoReport> {
    let key_prefix = redis_prefix::fresh_prefix();
    let redis = redis_prefix::check_reachable(options.redis()?, &key_prefix).await?;
    let outcome = run_flows(options, &key_prefix, cancel).await;
    let cleaned = redis_prefix::delete_prefix(&redis).await;
    let report = outcome?;
    cleaned?;
    Ok(report)
}

async fn run_flows(
    options: &DemoOptions,
    key_prefix: &str,
    cancel: &CancellationToken,
) -> anyhow::Result<DemoReport> {
    let started = Instant::now();
    let people = signups::people(options.signups, options.seed);
    let naive = run_flow(Flow::Naive, options, &people, key_prefix, cancel).await?;
    let reactor = run_flow(Flow::Reactor, options, &people, key_prefix, cancel).await?;
    Ok(DemoReport {
        signups: options.signups,
        time_scale: options.time_scale,
        seed: options.seed,
        stress: stress(options),
        key_prefix: key_prefix.to_owned(),
        naive,
        reactor,
        elapsed: started.elapsed(),
    })
}

fn measured(
    sim: &hubspot_simulator::SimulatorHandle,
    options: &DemoOptions,
    launched: &drive::Launched,
) -> FlowFigures {
    measure::measure(
        options.signups,
        launched.failed,
        &launched.submitted_at,
        &sim.contacts(),
        &sim.emails(),
    )
}

fn stress(options: &DemoOptions) -> Vec<String> {
    let mut on = Vec::new();
    if options.duplicate_probability > 0.0 {
        on.push(format!("duplicates {}", options.duplicate_probability));
    }
    if options.reorder_probability > 0.0 {
        on.push(format!("reorder {}", options.reorder_probability));
    }
    if options.chaos {
        on.push("chaos".to_owned());
    }
    if options.profile != hubspot_simulator::Profile::Friendly {
        on.push(format!("{} profile", options.profile.name()));
    }
    match options.webhook_style {
        hubspot_simulator::EventStyle::Classic => {}
        hubspot_simulator::EventStyle::Generic => on.push("generic events".to_owned()),
        hubspot_simulator::EventStyle::Mixed => on.push("mixed event styles".to_owned()),
    }
    on
}

/// The two ways of signing people up that the demo compares.
#[derive(Debug, Clone, Copy)]
enum Flow {
    Naive,
    Reactor,
}

/// Runs one flow against a fresh simulator (with the chaos storm when asked)
/// and measures it.
async fn run_flow(
    flow: Flow,
    options: &DemoOptions,
    people: &[signups::DemoSignup],
    key_prefix: &str,
    cancel: &CancellationToken,
) -> anyhow::Result<FlowFigures> {
    let sim = hubspot::start(options).await?;
    let label = match flow {
        Flow::Naive => "naive flow",
        Flow::Reactor => "reactor flow",
    };
    let progress = FlowProgress::new(options.progress, label, people.len());
    let stop = CancellationToken::new();
    let drive = async {
        let launched = match flow {
            Flow::Naive => naive::run(&sim, options, people, &progress, cancel).await,
            Flow::Reactor => {
                reactor_flow::run(&sim, options, people, key_prefix, &progress, cancel).await
            }
        };
        stop.cancel();
        launched
    };
    let (launched, ()) = tokio::join!(drive, chaos::storm(&sim, options, stop.clone()));
    progress.finish();
    let figures = launched.map(|l| measured(&sim, options, &l));
    sim.stop().await;
    figures
}

/// `signup-reactor demo`: runs the demo, prints the table, and fails (non-zero
/// exit) unless the reactor flow showed no Offline Sources contact, no
/// duplicate, no premature send and one email per signup.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let options = args.to_options()?;
    if std::env::var_os("RUST_LOG").is_some() {
        crate::telemetry::init_tracing(crate::config::LogFormat::Text);
    }
    let cancel = CancellationToken::new();
    let interrupt = interrupt::cancel_on_signal(cancel.clone());
    note(&format!(
        "signup-reactor demo: {} signups through the naive flow, then the reactor flow \
         (HubSpot profile {}, seed {})",
        options.signups,
        options.profile.name(),
        options.seed
    ));
    let outcome = run_demo(&options, &cancel).await;
    interrupt.abort();
    let report = outcome?;
    writeln!(std::io::stdout(), "\n{}", render(&report)).context("printing the table")?;
    note(&format!(
        "finished in {:.1} s",
        report.elapsed.as_secs_f64()
    ));
    if !report.reactor_succeeded() {
        bail!("the reactor flow did not deliver exactly one timely email per signup");
    }
    Ok(())
}

/// A line on standard error, which may be gone (closed terminal): never panics.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
