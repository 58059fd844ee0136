//! `/readyz` answers from a background probe: a request costs Redis a few
//! commands at most, whatever `EVENT_STREAM_PARTITIONS` is; the probe runs at
//! most once per 2 s; a failing Redis turns into 503 within 3 s.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::support::app::TestApp;

/// Calls per command (`INFO commandstats`).
async fn command_calls(app: &TestApp) -> BTreeMap<String, u64> {
    let mut conn = app.redis_conn().await;
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut conn)
        .await
        .expect("INFO commandstats");
    info.lines()
        .filter_map(|line| {
            let (name, stats) = line.strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = stats.split(',').find_map(|s| s.strip_prefix("calls="))?;
            Some((name.to_owned(), calls.parse().ok()?))
        })
        .collect()
}

fn total_except_info(calls: &BTreeMap<String, u64>) -> u64 {
    calls
        .iter()
        .filter(|(name, _)| name.as_str() != "info")
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn readyz_costs_a_few_commands_whatever_the_partition_count() {
    for partitions in [1u16, 512] {
        let app = TestApp::spawn_with(|config| config.redis.event_partitions = partitions).await;
        assert_eq!(app.get_status("/readyz").await, 200);
        let before = command_calls(&app).await;
        let requests = 60u64;
        let started = Instant::now();
        for _ in 0..requests {
            assert_eq!(app.get_status("/readyz").await, 200);
        }
        let elapsed = started.elapsed();
        let after = command_calls(&app).await;
        let spent = total_except_info(&after) - total_except_info(&before);
        // At most one probe per 2 s (plus the one that may be under way),
        // each a handful of commands on one node; and perhaps one heartbeat
        // of the process (4 commands every 10 s).
        let probes = elapsed.as_secs() / 2 + 2;
        assert!(
            spent <= probes * 5 + 4,
            "{requests} requests over {elapsed:?} at {partitions} partitions cost {spent} commands"
        );
        let script_loads = after.get("script|load").copied().unwrap_or(0)
            - before.get("script|load").copied().unwrap_or(0);
        assert!(
            script_loads <= probes,
            "{script_loads} probes in {elapsed:?}: at most one per 2 s"
        );
    }
}

#[tokio::test]
async fn readyz_turns_to_503_within_3_s_when_redis_fails() {
    let mut app = TestApp::spawn().await;
    if !app.redis.is_private() {
        eprintln!("skipped: needs a private redis-server to stop");
        return;
    }
    assert_eq!(app.get_status("/readyz").await, 200);
    app.redis.stop();
    let stopped = Instant::now();
    let mut status = 200;
    while stopped.elapsed() < Duration::from_secs(6) && status == 200 {
        status = app.get_status("/readyz").await;
    }
    assert_eq!(status, 503);
    assert!(
        stopped.elapsed() < Duration::from_millis(3_500),
        "503 came {:?} after Redis stopped",
        stopped.elapsed()
    );
}
