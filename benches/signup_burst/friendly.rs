//! A launch, in real time: 1,000 signups at once plus 5,000 webhook events
//! for contacts that are not signups, against the HubSpot simulator with the
//! Free tier's API quota (100 per rolling 10 s) and the Forms limit (50 per
//! 10 s) enforced and its default processing and visibility lag; then a steady
//! phase of one signup per second. Prints the quota used per signup, the time
//! to the last email next to the Forms ceiling, the 429s HubSpot answered, and
//! signup-to-email and overhead (email after the contact was visible with the
//! signup's submission on it) percentiles.
//!
//! The `friendly` scenario of `cargo bench --bench signup_burst`
//! (BENCH_SIGNUPS, BENCH_EVENTS and BENCH_STEADY override 1000, 5000 and 60).

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use hubspot_simulator::{Profile, SimulatorHandle};

use crate::env_number;
use crate::figures::percentile;
use crate::redis_stats;
use crate::stack;
use crate::support::stack::signup_body;
use crate::support::webhooks::{creation, now_ms};

/// Signup-to-email and overhead (ms) of the emails to `signed_up`; the
/// overhead runs from the moment the contact was readable with the signup's
/// form submission.
fn latencies(sim: &SimulatorHandle, signed_up: &HashMap<String, u64>) -> (Vec<u64>, Vec<u64>) {
    let readable: HashMap<String, u64> = sim
        .submissions()
        .into_iter()
        .filter_map(|s| Some((s.email?, s.readable_at?)))
        .collect();
    let mut total = Vec::new();
    let mut overhead = Vec::new();
    for email in sim.emails().into_iter().filter(|e| e.sent) {
        let Some(start) = signed_up.get(&email.to) else {
            continue;
        };
        total.push(email.requested_at.saturating_sub(*start));
        if let Some(readable) = readable.get(&email.to) {
            overhead.push(email.requested_at.saturating_sub(*readable));
        }
    }
    total.sort_unstable();
    overhead.sort_unstable();
    (total, overhead)
}

/// A counter of the process's metrics, summed over its labels.
fn counter_total(name: &str) -> f64 {
    signup_reactor::telemetry::metrics_handle()
        .render()
        .lines()
        .filter(|l| l.starts_with(name))
        .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .sum()
}

fn permits_taken() -> f64 {
    counter_total("hubspot_api_permits_total")
}

/// Verification emails the reactor counts as accepted (after any follow-up).
fn emails_accepted() -> f64 {
    counter_total("emails_sent_total")
}

/// HubSpot requests made so far, by endpoint (all outcomes).
fn requests_by_endpoint() -> std::collections::BTreeMap<String, f64> {
    let mut by_endpoint = std::collections::BTreeMap::new();
    for line in signup_reactor::telemetry::metrics_handle().render().lines() {
        let Some(labels) = line.strip_prefix("hubspot_requests_total{") else {
            continue;
        };
        let endpoint = labels
            .split(',')
            .find_map(|l| l.strip_prefix("endpoint=\""))
            .and_then(|l| l.split('"').next())
            .unwrap_or("?");
        let count: f64 = line
            .split_whitespace()
            .last()
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        *by_endpoint.entry(endpoint.to_owned()).or_default() += count;
    }
    by_endpoint
}

/// Prints the requests per signup of each endpoint since `before`, and the
/// rate-limited ones by purpose: confirming signups (the batch reads and
/// profiles) and following `PENDING` sends up (spare quota only).
fn print_requests(before: &std::collections::BTreeMap<String, f64>, signups: usize) {
    let per_signup = |n: f64| n / signups as f64;
    let (mut confirming, mut following) = (0.0, 0.0);
    for (endpoint, count) in requests_by_endpoint() {
        let made = count - before.get(&endpoint).copied().unwrap_or_default();
        if made > 0.0 {
            println!(
                "    {endpoint:<24} {made:>6} requests, {:.3} per signup",
                per_signup(made)
            );
        }
        match endpoint.as_str() {
            "single_send" => {}
            "send_status" => following += made,
            _ => confirming += made,
        }
    }
    println!(
        "  confirming calls/signup:    {:.3} (batch reads and profiles)",
        per_signup(confirming)
    );
    println!(
        "  follow-up calls/signup:     {:.3} (send status of PENDING sends, spare quota only)",
        per_signup(following)
    );
}

async fn wait_for(sim: &SimulatorHandle, emails: &[String], limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let sent: std::collections::HashSet<String> = sim
            .emails()
            .into_iter()
            .filter(|e| e.sent)
            .map(|e| e.to)
            .collect();
        if emails.iter().all(|e| sent.contains(e)) {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            eprintln!("{} of {} emails sent", sent.len(), emails.len());
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The signup-to-email and overhead percentiles of one phase.
fn print_latencies(total: &[u64], overhead: &[u64]) {
    println!(
        "  signup-to-email p50/p95:    {:.1} s / {:.1} s",
        percentile(total, 0.5),
        percentile(total, 0.95)
    );
    println!(
        "  overhead p50/p95:           {:.2} s / {:.2} s",
        percentile(overhead, 0.5),
        percentile(overhead, 0.95)
    );
}

/// The friendly run: the launch with noise, then the steady phase.
pub async fn run() -> anyhow::Result<()> {
    let signups = env_number("BENCH_SIGNUPS", 1_000);
    let events = env_number("BENCH_EVENTS", 5_000);
    let steady = env_number("BENCH_STEADY", 60);
    println!("friendly:");
    let bench = stack::start(Profile::Friendly).await?;
    let (sim, app) = (&bench.sim, bench.app.clone());
    let redis = app.redis.client();
    let commands_before = redis_stats::commands(&redis).await?;

    // The burst: every signup at once, with the events of a deleted import.
    let emails: Vec<String> = (0..signups)
        .map(|i| format!("launch{i}@example.com"))
        .collect();
    let started = now_ms();
    let noise = {
        let app = app.clone();
        tokio::spawn(async move {
            let batches: Vec<serde_json::Value> = (0..events)
                .collect::<Vec<_>>()
                .chunks(100)
                .map(|chunk| {
                    serde_json::Value::Array(
                        chunk
                            .iter()
                            .map(|i| creation(1_000_000 + *i as u64, 800_000_000 + *i as u64, 0))
                            .collect(),
                    )
                })
                .collect();
            futures_util::stream::iter(batches)
                .for_each_concurrent(10, |batch| {
                    let app = app.clone();
                    async move {
                        let _ = app.post_webhook(&batch).await;
                    }
                })
                .await;
        })
    };
    let signed_up: HashMap<String, u64> = futures_util::stream::iter(emails.clone())
        .map(|email| {
            let app = app.clone();
            async move {
                let at = now_ms();
                let status = app.signup(&signup_body(&email), None).await.status();
                assert_eq!(status, 202, "{email}");
                (email, at)
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    noise.await?;
    let all = wait_for(sim, &emails, Duration::from_secs(600)).await;
    let last = sim
        .emails()
        .iter()
        .filter(|e| e.sent)
        .map(|e| e.requested_at)
        .max()
        .unwrap_or(started);
    let permits = permits_taken();
    let (total, overhead) = latencies(sim, &signed_up);
    let ceiling = signups as f64 / 5.0;
    println!(
        "signup_burst: {signups} signups at once + {events} events for contacts that are not signups"
    );
    println!("  all emails sent:            {all}");
    println!(
        "  rate-limited calls/signup:  {:.3} ({permits} permits)",
        permits / signups as f64
    );
    println!(
        "  first signup to last email: {:.1} s (Forms ceiling {ceiling:.0} s)",
        last.saturating_sub(started) as f64 / 1000.0
    );
    print_requests(&std::collections::BTreeMap::new(), signups);
    println!(
        "  429s received:              {}",
        sim.stats().quota_rejections
    );
    print_latencies(&total, &overhead);

    // The burst's PENDING sends are followed up with spare quota: let them
    // finish, so that the steady phase counts only its own calls.
    let drained = tokio::time::Instant::now();
    while emails_accepted() < signups as f64 && drained.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "  follow-ups done {:.1} s after the last email; in all:",
        drained.elapsed().as_secs_f64()
    );
    print_requests(&std::collections::BTreeMap::new(), signups);
    let commands = redis_stats::commands(&redis).await? - commands_before;
    println!(
        "  Redis commands/signup:      {:.1} ({commands} commands)",
        commands as f64 / signups as f64
    );

    // Steady: one signup per second.
    if steady > 0 {
        let before = permits_taken();
        let requests_before = requests_by_endpoint();
        let rejections = sim.stats().quota_rejections;
        let mut steady_signups = HashMap::new();
        let mut steady_emails = Vec::new();
        for i in 0..steady {
            let email = format!("steady{i}@example.com");
            let at = now_ms();
            let status = app.signup(&signup_body(&email), None).await.status();
            assert_eq!(status, 202, "{email}");
            steady_signups.insert(email.clone(), at);
            steady_emails.push(email);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let all = wait_for(sim, &steady_emails, Duration::from_secs(120)).await;
        let (total, overhead) = latencies(sim, &steady_signups);
        println!("steady: {steady} signups, one per second");
        println!("  all emails sent:            {all}");
        println!(
            "  rate-limited calls/signup:  {:.3}",
            (permits_taken() - before) / steady as f64
        );
        print_requests(&requests_before, steady);
        println!(
            "  429s received:              {}",
            sim.stats().quota_rejections - rejections
        );
        print_latencies(&total, &overhead);
    }
    bench.stop().await;
    Ok(())
}
