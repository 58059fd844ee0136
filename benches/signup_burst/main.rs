//! `signup_burst`: the reactor against the HubSpot simulator in real time, in
//! the friendly run (a launch with noise, then a steady phase) and in the
//! unkind profile's scenarios (a steady stream, launches, a 401 on every
//! shared call in the middle of a launch). Each scenario runs on its own
//! simulator, Redis and reactor (with the reactor's shipped defaults).
//!
//! `cargo bench --bench signup_burst` runs every scenario; name some to run
//! only them, as arguments or in `BENCH_SCENARIOS` (comma-separated):
//! `cargo bench --bench signup_burst -- unkind-launch unkind-401`.
//! Scenarios: `friendly`, `unkind-steady`, `unkind-launch-100`,
//! `unkind-launch`, `unkind-401`. Sizes: `BENCH_SIGNUPS`, `BENCH_EVENTS`,
//! `BENCH_STEADY` (friendly: 1000, 5000, 60); `BENCH_STEADY_SECS` (unkind
//! steady stream at 2 signups/s: 300), `BENCH_LAUNCH` (1000),
//! `BENCH_401_SIGNUPS` (300), `BENCH_401_WINDOW_SECS` (10); `BENCH_SEED`
//! (the simulator's seed; random and printed when unset). To look into a
//! run: `BENCH_LOG=1` prints the reactor's logs (filtered by `RUST_LOG`),
//! `BENCH_DETAIL=path` writes one CSV line per submission (address, accepted,
//! processed, readable and first-email times in epoch ms, contact id).

#[path = "../../tests/support/mod.rs"]
mod support;

mod figures;
mod friendly;
mod redis_stats;
mod stack;
mod unkind;

/// Every scenario, in the order a full run takes them.
const SCENARIOS: [&str; 5] = [
    "friendly",
    "unkind-steady",
    "unkind-launch-100",
    "unkind-launch",
    "unkind-401",
];

/// A number from the environment, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The scenarios asked for: arguments (cargo's own `--bench` flag aside),
/// else `BENCH_SCENARIOS`, else all.
fn selected() -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    if names.is_empty()
        && let Ok(list) = std::env::var("BENCH_SCENARIOS")
    {
        names = list
            .split(',')
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .collect();
    }
    if names.is_empty() {
        names = SCENARIOS.iter().map(|name| (*name).to_owned()).collect();
    }
    for name in &names {
        anyhow::ensure!(
            SCENARIOS.contains(&name.as_str()),
            "unknown scenario {name:?}; known: {}",
            SCENARIOS.join(", ")
        );
    }
    Ok(names)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let names = selected()?;
    // Installs the process's recorder before the reactor records anything.
    let _ = signup_reactor::telemetry::metrics_handle();
    if std::env::var_os("BENCH_LOG").is_some() {
        signup_reactor::telemetry::init_tracing(signup_reactor::config::LogFormat::Text);
    }
    for name in names {
        match name.as_str() {
            "friendly" => friendly::run().await?,
            "unkind-steady" => unkind::steady(env_number("BENCH_STEADY_SECS", 300)).await?,
            "unkind-launch-100" => unkind::launch(100).await?,
            "unkind-launch" => unkind::launch(env_number("BENCH_LAUNCH", 1_000)).await?,
            _ => {
                let signups = env_number("BENCH_401_SIGNUPS", 300);
                let window = env_number("BENCH_401_WINDOW_SECS", 10);
                unkind::refused_mid_launch(signups, window).await?;
            }
        }
    }
    Ok(())
}
