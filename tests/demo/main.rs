//! The demo end to end: both flows against their own simulators, the reactor
//! on a private Redis, and nothing left behind in Redis afterwards.

#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;

#[allow(dead_code)]
#[path = "../support/redis_cluster.rs"]
mod redis_cluster;

#[allow(dead_code)]
#[path = "../support/redis_cluster_nodes.rs"]
mod redis_cluster_nodes;

#[allow(dead_code)]
#[path = "../support/tls.rs"]
mod tls;

use std::time::Duration;

use redis_cluster::TestCluster;
use redis_server::{TestRedis, free_port};
use signup_reactor::demo::{DemoOptions, DemoReport, render, run_demo};
use tokio_util::sync::CancellationToken;

const SIGNUPS: usize = 20;

fn options(redis: &TestRedis) -> DemoOptions {
    DemoOptions {
        signups: SIGNUPS,
        time_scale: 0.01,
        seed: 7,
        redis_url: Some(redis.url.clone()),
        progress: false,
        ..DemoOptions::default()
    }
}

async fn demo_keys(redis: &TestRedis, pattern: &str) -> Vec<String> {
    let mut conn = redis
        .client()
        .get_multiplexed_async_connection()
        .await
        .expect("redis connection");
    redis::cmd("KEYS")
        .arg(pattern)
        .query_async(&mut conn)
        .await
        .expect("KEYS")
}

fn assert_reactor_kept_its_promises(report: &DemoReport) {
    let r = &report.reactor;
    assert_eq!(r.signups, SIGNUPS);
    assert_eq!(r.failed_signups, 0, "{r:?}");
    assert_eq!(r.contacts_created, SIGNUPS, "{r:?}");
    assert_eq!(r.offline_contacts, 0, "{r:?}");
    assert_eq!(r.contacts_with_duplicate_emails, 0, "{r:?}");
    assert_eq!(r.premature_emails, 0, "{r:?}");
    assert_eq!(r.emails_delivered, SIGNUPS, "{r:?}");
    assert_eq!(r.signups_without_email, 0, "{r:?}");
    assert!(r.latency_p50.is_some() && r.latency_p95 >= r.latency_p50);
    assert!(report.reactor_succeeded());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_naive_flow_loses_attribution_and_the_reactor_flow_does_not() {
    let redis = TestRedis::start();
    let report = run_demo(&options(&redis), &CancellationToken::new())
        .await
        .expect("demo run");

    assert_reactor_kept_its_promises(&report);
    let n = &report.naive;
    assert_eq!(n.signups, SIGNUPS);
    assert_eq!(n.failed_signups, 0, "{n:?}");
    assert_eq!(n.contacts_created, SIGNUPS, "{n:?}");
    assert!(
        n.offline_contacts > 0,
        "the naive flow lost no attribution: {n:?}"
    );
    assert!(
        n.premature_emails >= n.offline_contacts,
        "every Offline Sources contact got its email before it existed: {n:?}"
    );
    assert_eq!(n.emails_delivered, SIGNUPS, "{n:?}");

    assert!(report.key_prefix.starts_with("sr-demo:"));
    let left = demo_keys(&redis, &format!("{}*", report.key_prefix)).await;
    assert!(left.is_empty(), "keys left behind: {left:?}");

    let table = render(&report);
    assert!(table.contains("reactor flow: OK"), "{table}");
    let offline_row = table
        .lines()
        .find(|l| l.starts_with("Original Source: Offline Sources"))
        .expect("offline row");
    assert!(
        offline_row.trim_end().ends_with("0 (0.0%)"),
        "{offline_row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_duplicates_reordering_and_chaos_the_reactor_still_sends_exactly_once() {
    let redis = TestRedis::start();
    let stressed = DemoOptions {
        duplicate_probability: 0.5,
        reorder_probability: 0.5,
        chaos: true,
        ..options(&redis)
    };
    let report = run_demo(&stressed, &CancellationToken::new())
        .await
        .expect("demo run");
    assert_reactor_kept_its_promises(&report);
    assert_eq!(
        report.stress,
        vec!["duplicates 0.5", "reorder 0.5", "chaos"]
    );
    let left = demo_keys(&redis, &format!("{}*", report.key_prefix)).await;
    assert!(left.is_empty(), "keys left behind: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_unkind_profile_the_reactor_still_sends_exactly_once_and_says_so() {
    let redis = TestRedis::start();
    let unkind = DemoOptions {
        profile: hubspot_simulator::Profile::Unkind,
        seed: 19,
        ..options(&redis)
    };
    let report = run_demo(&unkind, &CancellationToken::new())
        .await
        .expect("demo run");
    assert_reactor_kept_its_promises(&report);
    assert_eq!(report.stress, vec!["unkind profile"]);
    let table = render(&report);
    assert!(table.contains("seed 19, stress: unkind profile"), "{table}");
    let left = demo_keys(&redis, &format!("{}*", report.key_prefix)).await;
    assert!(left.is_empty(), "keys left behind: {left:?}");
}

#[test]
fn the_command_takes_stress_unkind_and_its_help_needs_no_redis() {
    let binary = env!("CARGO_BIN_EXE_signup-reactor");
    let help = std::process::Command::new(binary)
        .arg("--help")
        .output()
        .expect("help runs");
    let help = String::from_utf8_lossy(&help.stdout);
    let demo_line = help
        .lines()
        .find(|line| line.trim_start().starts_with("demo "))
        .expect("a demo line");
    assert!(!demo_line.contains("needs a Redis"), "{demo_line}");
    let demo_help = std::process::Command::new(binary)
        .args(["demo", "--help"])
        .output()
        .expect("demo help runs");
    let demo_help = String::from_utf8_lossy(&demo_help.stdout);
    assert!(demo_help.contains("--stress <PROFILE>"), "{demo_help}");
    let refused = std::process::Command::new(binary)
        .args(["demo", "--stress", "harsh", "--signups", "1"])
        .output()
        .expect("demo runs");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("unknown profile"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_still_deletes_its_keys() {
    let redis = TestRedis::start();
    let cancel = CancellationToken::new();
    let run = tokio::spawn({
        let options = options(&redis);
        let cancel = cancel.clone();
        async move { run_demo(&options, &cancel).await }
    });
    // Interrupt once the reactor has written its first keys.
    let mut saw_keys = false;
    for _ in 0..2_000 {
        if !demo_keys(&redis, "sr-demo:*").await.is_empty() {
            saw_keys = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cancel.cancel();
    let outcome = run.await.expect("demo task");
    assert!(saw_keys, "the reactor never wrote to Redis");
    let error = outcome.expect_err("an interrupted run is an error");
    assert!(format!("{error:#}").contains("interrupted"), "{error:#}");
    let left = demo_keys(&redis, "sr-demo:*").await;
    assert!(left.is_empty(), "keys left behind: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_the_demo_runs_and_deletes_its_keys_on_every_master() {
    let cluster = TestCluster::start(3, 0);
    let redis = TestRedis::external(cluster.url());
    let report = run_demo(&options(&redis), &CancellationToken::new())
        .await
        .expect("demo run on a cluster");
    assert_reactor_kept_its_promises(&report);
    for port in &cluster.ports {
        let mut node = cluster.node(*port);
        let left: Vec<String> = redis::cmd("KEYS")
            .arg("sr-demo:*")
            .query(&mut node)
            .expect("KEYS");
        assert!(left.is_empty(), "keys left behind on {port}: {left:?}");
    }
}

#[tokio::test]
async fn without_redis_the_demo_says_how_to_start_one() {
    let options = DemoOptions {
        redis_url: Some(format!("redis://127.0.0.1:{}", free_port())),
        progress: false,
        ..DemoOptions::default()
    };
    let error = run_demo(&options, &CancellationToken::new())
        .await
        .expect_err("no Redis, no demo");
    let message = format!("{error:#}");
    assert!(message.contains("cannot reach Redis"), "{message}");
    assert!(
        message.contains("redis-server --daemonize yes"),
        "{message}"
    );
    assert!(
        message.contains("docker run -p 6379:6379 redis:7"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_only_generic_object_events_every_signup_gets_exactly_one_email() {
    let redis = TestRedis::start();
    let generic = DemoOptions {
        webhook_style: hubspot_simulator::EventStyle::Generic,
        ..options(&redis)
    };
    let report = run_demo(&generic, &CancellationToken::new())
        .await
        .expect("demo run");
    assert_reactor_kept_its_promises(&report);
    assert!(render(&report).contains("generic events"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_url_the_demo_runs_its_own_redis_and_stops_it() {
    let standalone = DemoOptions {
        redis_url: None,
        signups: 10,
        time_scale: 0.01,
        progress: false,
        ..DemoOptions::default()
    };
    let report = run_demo(&standalone, &CancellationToken::new())
        .await
        .expect("demo run on a private redis-server");
    assert!(report.reactor_succeeded(), "{:?}", report.reactor);
}

#[test]
fn the_help_says_the_demo_brings_its_own_redis() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_signup-reactor"))
        .arg("--help")
        .output()
        .expect("signup-reactor --help");
    let help = String::from_utf8_lossy(&output.stdout);
    let demo = help
        .lines()
        .find(|line| line.trim_start().starts_with("demo"))
        .unwrap_or_else(|| panic!("no demo line in:\n{help}"));
    assert!(!demo.contains("needs a Redis"), "{demo}");
    assert!(demo.contains("its own redis-server"), "{demo}");
}
