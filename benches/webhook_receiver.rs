//! Load benchmark of `POST /webhooks/hubspot`: signed batches sent the way
//! HubSpot does (10 requests in flight), against a private `redis-server`.
//! Prints latency percentiles, throughput and the process's peak memory;
//! then drains what was recorded with one event consumer, and with
//! BENCH_CONSUMERS consumers in one process (default 4), to compare a
//! consumer's events per second with the receiver's ingest.
//!
//! `cargo bench --bench webhook_receiver` (BENCH_REQUESTS, BENCH_BATCH and
//! BENCH_CONCURRENCY override the defaults, EVENT_STREAM_PARTITIONS the
//! partition count, BENCH_PREFIX the key prefix (default `sr:`); `BENCH_REDIS=cluster` runs it against a private 3-master
//! Redis Cluster instead of one node).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use signup_reactor::startup::{Application, Role};
use signup_reactor::webhook::signature::sign_v3;
use support::app::{CLIENT_SECRET as SECRET, PORTAL_ID as PORTAL, test_config};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn batch(request: usize, size: usize) -> Vec<u8> {
    let events: Vec<serde_json::Value> = (0..size)
        .map(|i| {
            let n = (request * size + i) as u64;
            serde_json::json!({
                "eventId": n, "subscriptionId": 1, "portalId": PORTAL, "appId": 2,
                "occurredAt": 1_700_000_000_000u64 + n, "attemptNumber": 0,
                "subscriptionType": if i % 2 == 0 { "contact.creation" } else { "contact.propertyChange" },
                "objectId": 4_294_967_296u64 + n, "propertyName": "email", "propertyValue": "x@example.com",
                "changeSource": "FORM"
            })
        })
        .collect();
    serde_json::to_vec(&events).unwrap_or_default()
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// `used_memory` of the servers at `urls`, summed.
async fn used_memory(urls: &[String]) -> Option<u64> {
    let mut total = 0;
    for url in urls {
        let client = redis::Client::open(url.as_str()).ok()?;
        let mut conn = client.get_multiplexed_async_connection().await.ok()?;
        let info: String = redis::cmd("INFO")
            .arg("memory")
            .query_async(&mut conn)
            .await
            .ok()?;
        total += info
            .lines()
            .find_map(|line| line.strip_prefix("used_memory:"))
            .and_then(|value| value.trim().parse::<u64>().ok())?;
    }
    Some(total)
}

/// What the partition `streams` alone take, asked through `conn`.
async fn streams_memory(
    conn: &mut impl redis::aio::ConnectionLike,
    streams: &[String],
) -> Option<u64> {
    let mut total = 0;
    for stream in streams {
        let bytes: Option<u64> = redis::cmd("MEMORY")
            .arg("USAGE")
            .arg(stream)
            .arg("SAMPLES")
            .arg(0)
            .query_async(conn)
            .await
            .ok()?;
        total += bytes.unwrap_or(0);
    }
    Some(total)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let requests = env_number("BENCH_REQUESTS", 5_000);
    let size = env_number("BENCH_BATCH", 10);
    let concurrency = env_number("BENCH_CONCURRENCY", 10);
    let on_cluster = std::env::var("BENCH_REDIS").is_ok_and(|v| v == "cluster");
    let cluster = on_cluster.then(|| support::redis_cluster::TestCluster::start(3, 0));
    let redis = match &cluster {
        Some(cluster) => support::redis_server::TestRedis::external(cluster.url()),
        None => support::redis_server::TestRedis::start(),
    };
    println!(
        "redis: {}",
        if on_cluster {
            "3-master cluster"
        } else {
            "one node"
        }
    );
    let mut config = test_config(&redis.url);
    if let Ok(partitions) = std::env::var("EVENT_STREAM_PARTITIONS") {
        config.redis.event_partitions = partitions.parse()?;
    }
    // Key names as in production (the default prefix) unless BENCH_PREFIX
    // says otherwise: the Redis is private, and key length is memory.
    config.redis.key_prefix = std::env::var("BENCH_PREFIX").unwrap_or_else(|_| "sr:".to_owned());
    let keys = signup_reactor::store::Keys::new(config.redis.key_prefix.clone())
        .with_event_partitions(config.redis.event_partitions);
    let streams: Vec<String> = (0..keys.event_partitions())
        .map(|p| keys.event_stream(p))
        .collect();
    let nodes: Vec<String> = match &cluster {
        Some(cluster) => cluster
            .ports
            .iter()
            .map(|port| format!("redis://127.0.0.1:{port}"))
            .collect(),
        None => vec![redis.url.clone()],
    };
    println!("event stream partitions: {}", keys.event_partitions());
    config.redis.command_timeout = Duration::from_secs(2);
    let consumer_config = config.clone();
    let app = Application::build(config, Role::Receiver).await?;
    let url = format!("http://127.0.0.1:{}/webhooks/hubspot", app.port());
    let shutdown = app.shutdown_token();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    let memory_before = used_memory(&nodes).await;
    let started = Instant::now();
    let send = |request: usize| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = batch(request, size);
            let ts = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0)
                .to_string();
            let signature = sign_v3(SECRET, "POST", &url, &body, &ts);
            let sent = Instant::now();
            let response = client
                .post(&url)
                .header("X-HubSpot-Signature-v3", signature)
                .header("X-HubSpot-Request-Timestamp", ts)
                .body(body)
                .send()
                .await;
            let ok = response
                .map(|r| r.status().as_u16() == 204)
                .unwrap_or(false);
            (sent.elapsed(), ok)
        }
    };
    let results: Vec<(Duration, bool)> = futures_util::stream::iter(0..requests)
        .map(send)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    shutdown.cancel();
    let _ = server.await;

    let failures = results.iter().filter(|(_, ok)| !ok).count();
    let mut latencies: Vec<Duration> = results.into_iter().map(|(d, _)| d).collect();
    latencies.sort();
    let events = requests * size;
    println!(
        "webhook receiver: {requests} requests x {size} events, {concurrency} in flight, {failures} failed"
    );
    println!("| figure | value |");
    println!("|---|---|");
    println!(
        "| requests/s | {:.0} |",
        requests as f64 / elapsed.as_secs_f64()
    );
    println!(
        "| events/s | {:.0} |",
        events as f64 / elapsed.as_secs_f64()
    );
    for (label, p) in [("p50", 0.50), ("p95", 0.95), ("p99", 0.99)] {
        println!(
            "| latency {label} | {:.2} ms |",
            percentile(&latencies, p).as_secs_f64() * 1000.0
        );
    }
    let stream_bytes = match &cluster {
        Some(cluster) => streams_memory(&mut cluster.connection().await, &streams).await,
        None => {
            let client = redis::Client::open(redis.url.as_str())?;
            streams_memory(
                &mut client.get_multiplexed_async_connection().await?,
                &streams,
            )
            .await
        }
    };
    let memory_after = used_memory(&nodes).await;
    if let (Some(before), Some(after), Some(stream_bytes)) =
        (memory_before, memory_after, stream_bytes)
    {
        let recorded = events.max(1) as f64;
        let markers = after.saturating_sub(before).saturating_sub(stream_bytes) as f64;
        println!(
            "| Redis bytes per dedupe marker (kept for WEBHOOK_DEDUPE_WINDOW) | {:.0} |",
            markers / recorded
        );
        println!(
            "| Redis bytes per stream entry (until consumed) | {:.0} |",
            stream_bytes as f64 / recorded
        );
    }
    if let Some(kib) = peak_rss_kib() {
        println!(
            "| peak RSS (bench process, server and client) | {:.1} MiB |",
            kib as f64 / 1024.0
        );
    }
    let ingest = events as f64 / elapsed.as_secs_f64();
    let consumers = env_number("BENCH_CONSUMERS", 4).max(1);
    let one = drain(&consumer_config, 1, events / 2).await?;
    let many = drain(&consumer_config, consumers, events - events / 2).await?;
    println!(
        "| one consumer, events/s | {one:.0} ({:.2} x ingest) |",
        one / ingest
    );
    println!(
        "| {consumers} consumers in one process, events/s | {many:.0} ({:.2} x ingest) |",
        many / ingest
    );
    anyhow::ensure!(failures == 0, "{failures} requests failed");
    Ok(())
}

/// Consumes `events` recorded events with `consumers` consumers of one
/// process (as `EVENT_CONSUMERS` runs them); events per second.
async fn drain(
    config: &signup_reactor::config::Config,
    consumers: usize,
    events: usize,
) -> anyhow::Result<f64> {
    use signup_reactor::worker::{ConsumeOutcome, EventConsumer, WorkerContext};
    let store = signup_reactor::store::RedisStore::connect(&config.redis)?;
    let hubspot = signup_reactor::hubspot::HubSpotClient::new(config.hubspot_endpoints())?;
    let ctx = WorkerContext::for_config(config, store, hubspot);
    let consumed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..consumers)
        .map(|index| {
            let consumer = EventConsumer::numbered(ctx.clone(), index);
            let consumed = consumed.clone();
            tokio::spawn(async move {
                while consumed.load(std::sync::atomic::Ordering::Relaxed) < events {
                    match consumer.process_next().await {
                        Ok(ConsumeOutcome::Consumed { .. }) => {
                            consumed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        Ok(ConsumeOutcome::Idle) => break,
                        Ok(_) => {}
                        Err(error) => return Err(anyhow::anyhow!("consumer failed: {error:?}")),
                    }
                }
                Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed();
    let consumed = consumed.load(std::sync::atomic::Ordering::Relaxed);
    Ok(consumed as f64 / elapsed.as_secs_f64())
}
