//! The unkind profile's scenarios: a steady stream of 2 signups/s, a launch
//! (every signup at once), and a launch during which every shared batch call
//! (batch read, batch of profiles) is answered 401 for a window.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use hubspot_simulator::{Endpoint, FaultRule, Profile};

use crate::figures::{self, Figures};
use crate::redis_stats;
use crate::stack::{self, Bench};
use crate::support::app::TestApp;
use crate::support::stack::signup_body;
use crate::support::webhooks::now_ms;

/// The Forms API's pace: 50 submissions per 10 s.
const FORMS_PER_SECOND: f64 = 5.0;

/// Posts one signup; its address and the moment it was posted, if accepted.
async fn sign_up(app: Arc<TestApp>, email: String) -> (String, u64, bool) {
    let at = now_ms();
    let accepted = app.signup(&signup_body(&email), None).await.status() == 202;
    (email, at, accepted)
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

/// Waits until every address got an email or a dead letter, or `limit` passed.
async fn wait_for_emails(
    bench: &Bench,
    emails: &HashMap<String, u64>,
    limit: Duration,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let sent: HashSet<String> = bench
            .sim
            .emails()
            .into_iter()
            .filter(|e| e.sent)
            .map(|e| e.to)
            .collect();
        let missing = emails.keys().filter(|e| !sent.contains(*e)).count();
        let dead = dead_letters(&bench.app).await?;
        if missing == 0 || u64::try_from(missing).unwrap_or(u64::MAX) <= dead {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            println!("  gave up waiting: {missing} signups without an email");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn dead_letters(app: &TestApp) -> anyhow::Result<u64> {
    let mut conn = app.redis_conn().await;
    let key = format!("{}dead-letters", app.prefix);
    Ok(redis::cmd("XLEN").arg(key).query_async(&mut conn).await?)
}

/// Waits for the emails, lets the send-status reads finish, and gathers the
/// figures; confirming calls are counted when the last email went out.
async fn finish(
    bench: Bench,
    accepted: HashMap<String, u64>,
    refused: usize,
    started: u64,
    commands_before: u64,
    wait: Duration,
) -> anyhow::Result<Figures> {
    let accepted_before = counter_total("emails_sent_total");
    wait_for_emails(&bench, &accepted, wait).await?;
    let at_last_email = bench.sim.requests();
    let (confirming, _) = figures::calls(&at_last_email);
    let drained = tokio::time::Instant::now();
    let target = accepted_before + accepted.len() as f64;
    while counter_total("emails_sent_total") < target && drained.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let requests = bench.sim.requests();
    let (_, status_reads) = figures::calls(&requests);
    let mut figures = figures::emails(&bench.sim, &accepted, started);
    figures.refused = refused;
    figures.confirming = confirming;
    figures.confirming_by_endpoint = figures::confirming_by_endpoint(&at_last_email);
    figures.status_reads = status_reads;
    figures.quota_429s = requests.values().map(|c| c.quota_rejections).sum();
    figures.injected = requests.values().map(|c| c.injected).sum();
    figures.dead_letters = dead_letters(&bench.app).await?;
    let client = bench.app.redis.client();
    figures.redis_commands = redis_stats::commands(&client).await? - commands_before;
    figures.top_commands = redis_stats::top_commands(&client, 6).await?;
    bench.stop().await;
    Ok(figures)
}

fn split(results: Vec<(String, u64, bool)>) -> (HashMap<String, u64>, usize) {
    let refused = results.iter().filter(|(_, _, ok)| !ok).count();
    let accepted = results
        .into_iter()
        .filter(|(_, _, ok)| *ok)
        .map(|(email, at, _)| (email, at))
        .collect();
    (accepted, refused)
}

/// 2 signups/s for `seconds`.
pub async fn steady(seconds: usize) -> anyhow::Result<()> {
    println!("unkind-steady: 2 signups/s for {seconds} s");
    let bench = stack::start(Profile::Unkind).await?;
    let commands_before = redis_stats::commands(&bench.app.redis.client()).await?;
    let started = now_ms();
    let mut pace = tokio::time::interval(Duration::from_millis(500));
    let mut posts = Vec::new();
    for i in 0..seconds * 2 {
        pace.tick().await;
        let email = format!("steady{i}@example.com");
        posts.push(tokio::spawn(sign_up(bench.app.clone(), email)));
    }
    let mut results = Vec::new();
    for post in posts {
        results.push(post.await?);
    }
    let (accepted, refused) = split(results);
    let wait = Duration::from_secs(300);
    let figures = finish(bench, accepted, refused, started, commands_before, wait).await?;
    figures.print(None);
    Ok(())
}

/// Posts `signups` signups at once (50 in flight).
async fn burst(app: &Arc<TestApp>, signups: usize, tag: &str) -> (HashMap<String, u64>, usize) {
    let results: Vec<_> = futures_util::stream::iter(0..signups)
        .map(|i| sign_up(app.clone(), format!("{tag}{i}@example.com")))
        .buffer_unordered(50)
        .collect()
        .await;
    split(results)
}

/// `signups` signups at once.
pub async fn launch(signups: usize) -> anyhow::Result<()> {
    println!("unkind-launch: {signups} signups at once");
    let bench = stack::start(Profile::Unkind).await?;
    let commands_before = redis_stats::commands(&bench.app.redis.client()).await?;
    let started = now_ms();
    let (accepted, refused) = burst(&bench.app, signups, "launch").await;
    let ceiling = signups as f64 / FORMS_PER_SECOND;
    let wait = Duration::from_secs_f64(ceiling * 4.0 + 180.0);
    let figures = finish(bench, accepted, refused, started, commands_before, wait).await?;
    figures.print(Some(ceiling));
    Ok(())
}

/// `signups` signups at once; half-way through the Forms ceiling, every
/// shared batch call is answered 401 for `window_secs`.
pub async fn refused_mid_launch(signups: usize, window_secs: usize) -> anyhow::Result<()> {
    println!(
        "unkind-401: {signups} signups at once, every shared batch call answered 401 \
         for {window_secs} s in the middle"
    );
    let bench = stack::start(Profile::Unkind).await?;
    let commands_before = redis_stats::commands(&bench.app.redis.client()).await?;
    let started = now_ms();
    let ceiling = signups as f64 / FORMS_PER_SECOND;
    let window_ms = u64::try_from(window_secs).unwrap_or(10) * 1_000;
    let rule = FaultRule::unauthorized(Endpoint::SharedBatch, 1)
        .during((ceiling * 500.0) as u64, window_ms);
    bench.sim.add_fault(rule);
    let (accepted, refused) = burst(&bench.app, signups, "refused").await;
    let wait = Duration::from_secs_f64(ceiling * 4.0 + 180.0);
    let figures = finish(bench, accepted, refused, started, commands_before, wait).await?;
    figures.print(Some(ceiling));
    Ok(())
}
