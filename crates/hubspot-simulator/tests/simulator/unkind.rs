//! The unkind profile: HubSpot as documented rather than as convenient
//! (transient answers on every endpoint, the Free quota, no `email` event at
//! creation), with its seed printed and settable.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use hubspot_simulator::{Endpoint, Profile, SimConfig, SimulatorHandle};
use serde_json::json;

use crate::support;

/// What each of `count` Single Sends was answered: status and `Retry-After`.
async fn answers(sim: &SimulatorHandle, count: usize) -> Vec<(u16, bool)> {
    let mut seen = Vec::with_capacity(count);
    for i in 0..count {
        let send = json!({ "emailId": 1, "message": { "to": format!("u{i}@example.com") } });
        let response = support::single_send(sim, &send).await;
        let retry_after = response.headers().contains_key("retry-after");
        seen.push((response.status().as_u16(), retry_after));
    }
    seen
}

fn unkind(seed: u64) -> SimConfig {
    let mut config = support::fast_config();
    config.rng_seed = Some(seed);
    Profile::Unkind.apply(&mut config);
    config
}

#[tokio::test]
async fn the_unkind_profile_answers_429s_with_and_without_retry_after_and_503s_reproducibly() {
    let config = unkind(11);
    assert!(!config.webhooks.property_events_at_creation);
    let api = config.rate_limits.api.expect("an API quota");
    assert_eq!((api.max, api.interval_ms), (100, 10_000), "the Free quota");
    assert_eq!(
        config.processing_delay,
        SimConfig::default().processing_delay
    );

    let sim = support::start(config).await;
    assert_eq!(sim.seed(), 11);
    let first = answers(&sim, 400).await;
    sim.stop().await;
    let count = |status: u16, retry_after: bool| {
        first
            .iter()
            .filter(|answer| **answer == (status, retry_after))
            .count()
    };
    let (plain, with_retry_after, unavailable) =
        (count(429, false), count(429, true), count(503, false));
    // Expected 10, 10 and 20 of 400.
    assert!((3..=20).contains(&plain), "{plain}");
    assert!((3..=20).contains(&with_retry_after), "{with_retry_after}");
    assert!((8..=35).contains(&unavailable), "{unavailable}");
    assert_eq!(
        first.len(),
        plain + with_retry_after + unavailable + count(200, false)
    );

    let again = support::start(unkind(11)).await;
    assert_eq!(
        answers(&again, 400).await,
        first,
        "the same seed replays the same faults"
    );
    let counts = again.requests()[&Endpoint::SingleSend];
    assert_eq!(counts.received, 400);
    assert_eq!(
        counts.injected,
        u64::try_from(400 - count(200, false)).unwrap_or(0)
    );
    again.stop().await;
}

#[tokio::test]
async fn without_a_seed_the_simulator_chooses_one_and_reports_it() {
    let sim = support::start(SimConfig {
        rng_seed: None,
        ..support::fast_config()
    })
    .await;
    let seed = sim.seed();
    let body: serde_json::Value = support::client()
        .get(format!("{}/_sim/seed", sim.base_url()))
        .send()
        .await
        .expect("seed")
        .json()
        .await
        .expect("json");
    assert_eq!(body["seed"], seed);
    sim.stop().await;
}

#[test]
fn the_command_prints_its_profile_and_seed_at_start() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubspot-simulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--profile",
            "unkind",
            "--seed",
            "4242",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("simulator binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(3)
        .map_while(Result::ok)
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        lines
            .iter()
            .any(|line| line == "profile: unkind, seed: 4242"),
        "{lines:?}"
    );

    let printed = Command::new(env!("CARGO_BIN_EXE_hubspot-simulator"))
        .args(["--print-config", "--profile", "unkind"])
        .output()
        .expect("print-config runs");
    let config: SimConfig = serde_json::from_slice(&printed.stdout).expect("a configuration");
    assert_eq!(config.faults.len(), 3);
    assert!(!config.webhooks.property_events_at_creation);
}
