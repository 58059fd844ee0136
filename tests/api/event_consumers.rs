//! `EVENT_CONSUMERS`: one worker process runs that many consumers, each its
//! own member of the consumer group, and together they drain the stream.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;
use signup_reactor::startup::Role;
use signup_reactor::worker::CONSUMER_GROUP;

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;
use crate::support::stack::eventually;
use crate::support::webhooks::creation;

/// The consumer names of the group on every partition stream.
async fn consumer_names(app: &TestApp) -> BTreeSet<String> {
    let keys = signup_reactor::store::Keys::new(app.prefix.clone())
        .with_event_partitions(app.config.redis.event_partitions);
    let mut conn = app.redis_conn().await;
    let mut names = BTreeSet::new();
    for partition in 0..keys.event_partitions() {
        let reply: Result<Vec<std::collections::HashMap<String, redis::Value>>, _> =
            redis::cmd("XINFO")
                .arg("CONSUMERS")
                .arg(keys.event_stream(partition))
                .arg(CONSUMER_GROUP)
                .query_async(&mut conn)
                .await;
        for consumer in reply.unwrap_or_default() {
            if let Some(redis::Value::BulkString(name)) = consumer.get("name") {
                names.insert(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    names
}

#[tokio::test]
async fn a_worker_process_runs_as_many_consumers_as_configured() {
    let redis = TestRedis::start();
    let receiver = TestApp::spawn_role(Role::Receiver, redis.share(), |_| {}).await;
    let events: Vec<_> = (0..60).map(|n| creation(n + 1, 500 + n, 0)).collect();
    assert_eq!(receiver.post_webhook(&json!(events)).await.status(), 204);
    let prefix = receiver.prefix.clone();
    let worker = TestApp::spawn_role(Role::Worker, redis, |config| {
        config.redis.key_prefix = prefix;
        config.worker.event_consumers = 3;
    })
    .await;
    assert!(
        eventually(Duration::from_secs(10), || async {
            worker.stream_len().await == 0 && consumer_names(&worker).await.len() == 3
        })
        .await,
        "consumers: {:?}, left: {}",
        consumer_names(&worker).await,
        worker.stream_len().await
    );
    let names = consumer_names(&worker).await;
    let first = names
        .iter()
        .min_by_key(|n| n.len())
        .expect("a consumer")
        .clone();
    assert!(
        names.contains(&format!("{first}-1")) && names.contains(&format!("{first}-2")),
        "{names:?}"
    );
}
