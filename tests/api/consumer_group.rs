//! The event stream's consumer group: recreated when Redis loses it, and left
//! cleanly (entries handed back, consumer deleted) at shutdown.

use std::time::Duration;

use serde_json::json;
use signup_reactor::startup::Role;
use signup_reactor::store::{HANDOFF_CONSUMER, RedisStore};
use signup_reactor::worker::CONSUMER_GROUP;

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;
use crate::support::stack::eventually;
use crate::support::webhooks::creation;

/// The partition stream of `contact`'s events.
fn stream_of(app: &TestApp, contact: u64) -> String {
    let keys = signup_reactor::store::Keys::new(app.prefix.clone())
        .with_event_partitions(app.config.redis.event_partitions);
    let contact = signup_reactor::domain::ContactId::new(contact).expect("contact id");
    keys.event_stream(keys.event_partition_of(contact))
}

/// The partition stream the tests below watch: that of contact 100.
fn stream(app: &TestApp) -> String {
    stream_of(app, 100)
}

/// Consumer names of the group, with their pending counts.
async fn consumers(app: &TestApp) -> Vec<(String, i64)> {
    let mut conn = app.redis_conn().await;
    consumers_on(&mut conn, &stream(app)).await
}

async fn consumers_on(
    conn: &mut redis::aio::MultiplexedConnection,
    stream: &str,
) -> Vec<(String, i64)> {
    let reply: Result<Vec<std::collections::HashMap<String, redis::Value>>, _> =
        redis::cmd("XINFO")
            .arg("CONSUMERS")
            .arg(stream)
            .arg(CONSUMER_GROUP)
            .query_async(conn)
            .await;
    reply
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let name = match c.get("name") {
                Some(redis::Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
                other => format!("{other:?}"),
            };
            let pending = match c.get("pending") {
                Some(redis::Value::Int(n)) => *n,
                _ => -1,
            };
            (name, pending)
        })
        .collect()
}

async fn consumed(app: &TestApp) -> bool {
    eventually(Duration::from_secs(10), || async {
        app.stream_len().await == 0
    })
    .await
}

#[tokio::test]
async fn a_lost_stream_or_group_is_recreated_and_later_events_are_consumed() {
    let app = TestApp::spawn_role(Role::All, TestRedis::start(), |_| {}).await;
    assert_eq!(
        app.post_webhook(&json!([creation(1, 100, 0)]))
            .await
            .status(),
        204
    );
    assert!(consumed(&app).await, "the first event is consumed");

    let mut conn = app.redis_conn().await;
    let _: () = redis::cmd("FLUSHDB")
        .query_async(&mut conn)
        .await
        .expect("FLUSHDB");
    assert_eq!(
        app.post_webhook(&json!([creation(2, 101, 0)]))
            .await
            .status(),
        204
    );
    assert!(consumed(&app).await, "an event after FLUSHDB is consumed");

    let _: () = redis::cmd("DEL")
        .arg(stream_of(&app, 102))
        .query_async(&mut conn)
        .await
        .expect("DEL");
    assert_eq!(
        app.post_webhook(&json!([creation(3, 102, 0)]))
            .await
            .status(),
        204
    );
    assert!(
        consumed(&app).await,
        "an event after DEL of the stream is consumed"
    );

    let _: () = redis::cmd("XGROUP")
        .arg("DESTROY")
        .arg(stream_of(&app, 103))
        .arg(CONSUMER_GROUP)
        .query_async(&mut conn)
        .await
        .expect("XGROUP DESTROY");
    assert_eq!(
        app.post_webhook(&json!([creation(4, 103, 0)]))
            .await
            .status(),
        204
    );
    assert!(
        consumed(&app).await,
        "an event after the group's removal is consumed"
    );
}

#[tokio::test]
async fn a_clean_shutdown_hands_back_pending_entries_and_deletes_the_consumer() {
    let redis = TestRedis::start();
    let receiver = TestApp::spawn_role(Role::Receiver, redis.share(), |_| {}).await;
    // One event to consume, so that the worker's consumer exists.
    assert_eq!(
        receiver
            .post_webhook(&json!([creation(1, 100, 0)]))
            .await
            .status(),
        204
    );
    let prefix = receiver.prefix.clone();
    let app = TestApp::spawn_role(Role::Worker, redis, |config| {
        config.redis.key_prefix = prefix;
        // After its first idle step the consumer sleeps until shutdown.
        config.worker.poll_interval = Duration::from_secs(3600);
        // One consumer, the one this test plays against.
        config.worker.event_consumers = 1;
    })
    .await;
    let joined = eventually(Duration::from_secs(10), || async {
        app.stream_len().await == 0 && consumers(&app).await.len() == 1
    })
    .await;
    assert!(joined, "the worker joined the group");
    let (name, _) = consumers(&app).await.remove(0);

    // An entry the worker read but did not acknowledge (as if its step
    // failed): added and read in one transaction, so that the worker's own
    // blocked read cannot take it first.
    let mut conn = app.redis_conn().await;
    let (id, _): (String, redis::Value) = redis::pipe()
        .atomic()
        .cmd("XADD")
        .arg(stream(&app))
        .arg("*")
        .arg("contact")
        .arg("100")
        .cmd("XREADGROUP")
        .arg("GROUP")
        .arg(CONSUMER_GROUP)
        .arg(&name)
        .arg("STREAMS")
        .arg(stream(&app))
        .arg(">")
        .query_async(&mut conn)
        .await
        .expect("XADD and XREADGROUP");
    assert_eq!(consumers(&app).await, vec![(name.clone(), 1)]);

    let stream = stream(&app);
    let claim_idle = app.config.worker.stream_claim_idle.as_millis() as u64;
    app.shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(30), app.server)
        .await
        .expect("stops")
        .expect("joins")
        .expect("clean exit");

    assert_eq!(
        consumers_on(&mut conn, &stream).await,
        vec![(HANDOFF_CONSUMER.to_owned(), 1)],
        "the worker's consumer is gone; its entry is handed back"
    );
    // Reclaimable at once by a live consumer.
    let reply: redis::streams::StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
        .arg(&stream)
        .arg(CONSUMER_GROUP)
        .arg("next-worker")
        .arg(claim_idle)
        .arg("0-0")
        .query_async(&mut conn)
        .await
        .expect("XAUTOCLAIM");
    let claimed: Vec<&str> = reply.claimed.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(claimed, vec![id.as_str()]);
}

#[tokio::test]
async fn consumers_of_dead_processes_are_pruned_once_they_hold_nothing() {
    let app = TestApp::spawn().await;
    let store = RedisStore::connect(&app.config.redis).expect("store");
    store
        .events()
        .ensure_consumer_group(CONSUMER_GROUP, app.config.redis.event_partitions)
        .await
        .expect("group");
    let mut conn = app.redis_conn().await;
    for name in ["ghost", "holder"] {
        let _: i64 = redis::cmd("XGROUP")
            .arg("CREATECONSUMER")
            .arg(stream(&app))
            .arg(CONSUMER_GROUP)
            .arg(name)
            .query_async(&mut conn)
            .await
            .expect("CREATECONSUMER");
    }
    let _: String = redis::cmd("XADD")
        .arg(stream(&app))
        .arg("*")
        .arg("contact")
        .arg("1")
        .query_async(&mut conn)
        .await
        .expect("XADD");
    let _: redis::Value = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg(CONSUMER_GROUP)
        .arg("holder")
        .arg("STREAMS")
        .arg(stream(&app))
        .arg(">")
        .query_async(&mut conn)
        .await
        .expect("XREADGROUP");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pruned = store
        .events()
        .prune_idle_consumers(
            CONSUMER_GROUP,
            app.config.redis.event_partitions,
            Duration::from_millis(200),
        )
        .await
        .expect("prune");
    assert_eq!(pruned, 1);
    assert_eq!(
        consumers(&app).await,
        vec![("holder".to_owned(), 1)],
        "a consumer still holding entries is kept until they are reclaimed"
    );
}
