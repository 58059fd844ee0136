//! `signup-reactor status`, run as a binary: one screen from Redis, read
//! only (it works as a Redis user that may only read), on one node and on a
//! cluster; `--watch` refreshes; `--json` for scripts.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use signup_reactor::startup::Role;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::support::app::TestApp;
use crate::support::binary::reactor;
use crate::support::redis_cluster::TestCluster;
use crate::support::redis_server::TestRedis;
use crate::support::stack::{Stack, signup_body};
use crate::support::webhooks::creation;

/// `signup-reactor status ARGS` against `redis_url` under the app's prefix.
fn status_command(app: &TestApp, redis_url: &str, args: &[&str]) -> Command {
    let mut command = reactor(&["status"]);
    command
        .args(args)
        .env("REDIS_URL", redis_url)
        .env("REDIS_KEY_PREFIX", &app.prefix)
        .env(
            "EVENT_STREAM_PARTITIONS",
            app.config.redis.event_partitions.to_string(),
        );
    command
}

async fn status_json(app: &TestApp, redis_url: &str) -> Value {
    let output = status_command(app, redis_url, &["--json"])
        .output()
        .await
        .expect("run status");
    assert!(
        output.status.success(),
        "status failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("status --json prints JSON")
}

/// Waits until the app's process has written its heartbeat.
async fn wait_for_heartbeat(app: &TestApp, redis_url: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let report = status_json(app, redis_url).await;
        let seen = report["processes"]
            .as_array()
            .is_some_and(|processes| !processes.is_empty());
        if seen {
            return report;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no process heartbeat in {report:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn status_reads_only_and_shows_what_the_reactor_is_doing() {
    let stack = Stack::default_stack().await;
    let app = &stack.app;
    assert_eq!(
        app.signup(&signup_body("status@example.com"), None)
            .await
            .status(),
        202
    );
    let batch = serde_json::json!([creation(1, 4242, 0)]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    if !app.redis.is_private() {
        eprintln!("skipped: needs a private redis-server to add a read-only user");
        return;
    }
    // A user that may only read: any write by `status` would fail it.
    let mut admin = app.redis_conn().await;
    let () = redis::cmd("ACL")
        .arg(&["SETUSER", "watcher", "on", ">watch-pass", "~*", "&*"])
        .arg(&["+@read", "+@connection", "+info", "-@write"])
        .query_async(&mut admin)
        .await
        .expect("ACL SETUSER");
    let url = app
        .redis
        .url
        .replace("redis://", "redis://watcher:watch-pass@");
    let report = wait_for_heartbeat(app, &url).await;

    assert_eq!(report["keyPrefix"], app.prefix.as_str());
    assert_eq!(report["cluster"], false);
    let process = &report["processes"][0];
    assert_eq!(process["role"], "all");
    assert_eq!(process["version"], env!("CARGO_PKG_VERSION"));
    assert!(process["startedAt"].as_u64().is_some());
    let partitions = report["eventPartitions"].as_array().expect("partitions");
    assert_eq!(
        partitions.len(),
        usize::from(app.config.redis.event_partitions)
    );
    assert!(report["deadLetters"]["count"].as_u64().is_some());
    let limiters: Vec<&str> = report["quota"]
        .as_array()
        .expect("quota")
        .iter()
        .filter_map(|q| q["limiter"].as_str())
        .collect();
    assert_eq!(limiters, ["api", "forms"]);
    let markers = &report["dedupeMarkers"];
    assert_eq!(markers["masters"], 1);
    assert!(
        markers["estimate"].as_u64().is_some_and(|n| n >= 1),
        "{markers}"
    );
    assert!(report["openSignups"]["depth"].as_u64().is_some());
    assert!(report["checkQueue"]["depth"].as_u64().is_some());
    assert!(report["formsRetryQueue"]["depth"].as_u64().is_some());

    let text = status_command(app, &url, &[])
        .output()
        .await
        .expect("run status");
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "open signups",
        "check queue",
        "forms retry queue",
        "dead letters",
        "estimate",
        "processes seen recently: 1",
    ] {
        let found = text.contains(expected) || (expected == "estimate" && text.contains("counted"));
        assert!(found, "{expected:?} missing from:\n{text}");
    }
}

#[tokio::test]
async fn status_works_on_a_cluster() {
    let cluster = TestCluster::start(3, 0);
    let app = TestApp::spawn_role(Role::Receiver, TestRedis::external(cluster.url()), |_| {}).await;
    let batch = serde_json::json!([creation(1, 77, 0), creation(2, 78, 0)]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    let report = wait_for_heartbeat(&app, &cluster.url()).await;
    assert_eq!(report["cluster"], true);
    assert_eq!(report["dedupeMarkers"]["masters"], 3);
    assert_eq!(report["dedupeMarkers"]["estimate"], 2);
    assert_eq!(report["processes"][0]["role"], "receiver");
    let length: u64 = report["eventPartitions"]
        .as_array()
        .expect("partitions")
        .iter()
        .filter_map(|p| p["length"].as_u64())
        .sum();
    assert_eq!(length, 2);
}

#[tokio::test]
async fn status_watch_refreshes_until_stopped() {
    let app = TestApp::spawn().await;
    let mut child = status_command(&app, &app.redis.url, &["--watch", "100ms", "--json"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn status --watch");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut reports = Vec::new();
    while reports.len() < 3 {
        let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .expect("a refresh within 10 s")
            .expect("read")
            .expect("a line");
        let report: Value = serde_json::from_str(&line).expect("one JSON document per line");
        reports.push(report["at"].as_u64().expect("at"));
    }
    assert!(reports.windows(2).all(|w| w[0] < w[1]), "{reports:?}");
    child.kill().await.expect("stop status --watch");
}
