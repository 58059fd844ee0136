//! The partitioned event stream on a private 3-master Redis Cluster: the
//! partitions spread over the masters, a batch spanning partitions is
//! recorded and deduplicated, and a change of the partition count loses and
//! duplicates nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use signup_reactor::startup::Role;
use signup_reactor::store::{Keys, RedisStore};
use signup_reactor::worker::{ConsumeOutcome, EventConsumer, WorkerContext};

use crate::support::app::TestApp;
use crate::support::redis_cluster::TestCluster;
use crate::support::redis_server::TestRedis;
use crate::support::webhooks::{creation, with_attempt};

/// A receiver on `cluster` recording into `partitions` partitions, under
/// `prefix` when given.
async fn receiver(cluster: &TestCluster, partitions: u16, prefix: Option<&str>) -> TestApp {
    TestApp::spawn_role(
        Role::Receiver,
        TestRedis::external(cluster.url()),
        |config| {
            config.redis.event_partitions = partitions;
            if let Some(prefix) = prefix {
                config.redis.key_prefix = prefix.to_owned();
            }
        },
    )
    .await
}

/// A batch of creation events, one per contact of `contacts`.
fn batch(contacts: std::ops::Range<u64>) -> serde_json::Value {
    json!(contacts.map(|c| creation(c, c, 0)).collect::<Vec<_>>())
}

/// Entries per partition stream, over the first `partitions`.
async fn entries_per_partition(app: &TestApp, partitions: u16) -> BTreeMap<u16, usize> {
    let keys = Keys::new(app.prefix.clone());
    let mut conn = app.any_conn();
    let mut counts = BTreeMap::new();
    for partition in 0..partitions {
        let len: usize = redis::cmd("XLEN")
            .arg(keys.event_stream(partition))
            .query_async(&mut conn)
            .await
            .expect("XLEN");
        counts.insert(partition, len);
    }
    counts
}

#[tokio::test]
async fn the_partitions_spread_over_every_master() {
    let cluster = TestCluster::start(3, 0);
    let keys = Keys::new("sr:").with_event_partitions(8);
    let mut node = cluster.node(cluster.ports[0]);
    let slots: BTreeSet<u16> = (0..keys.event_partitions())
        .map(|p| {
            redis::cmd("CLUSTER")
                .arg("KEYSLOT")
                .arg(keys.event_stream(p))
                .query(&mut node)
                .expect("CLUSTER KEYSLOT")
        })
        .collect();
    assert_eq!(slots.len(), 8, "one slot per partition: {slots:?}");
    let masters: BTreeSet<u16> = slots.iter().map(|slot| cluster.master_of(*slot)).collect();
    assert_eq!(
        masters.len(),
        3,
        "every master holds partitions: {masters:?}"
    );
}

#[tokio::test]
async fn a_batch_spanning_partitions_is_recorded_once_and_deduplicated() {
    let cluster = TestCluster::start(3, 0);
    let app = receiver(&cluster, 8, None).await;
    // Half the batch was recorded before (as when a delivery failed on
    // some partitions): the whole batch comes again, then a retry of it.
    assert_eq!(app.post_webhook(&batch(1..9)).await.status(), 204);
    assert_eq!(app.post_webhook(&batch(1..17)).await.status(), 204);
    assert_eq!(
        app.post_webhook(&with_attempt(&batch(1..17), 1))
            .await
            .status(),
        204
    );
    let counts = entries_per_partition(&app, 8).await;
    assert!(
        counts.values().all(|n| *n == 2),
        "two contacts per partition: {counts:?}"
    );
    let expected: Vec<String> = {
        let mut all: Vec<String> = (1..17).map(|c| c.to_string()).collect();
        all.sort();
        all
    };
    assert_eq!(app.stream_contacts_sorted().await, expected);
}

#[tokio::test]
async fn changing_the_partition_count_loses_and_duplicates_nothing() {
    let cluster = TestCluster::start(3, 0);
    // Before: 8 partitions. After: 2, while the old receivers still run; both
    // receive deliveries and redeliveries.
    let before = receiver(&cluster, 8, None).await;
    let after = receiver(&cluster, 2, Some(&before.prefix)).await;
    assert_eq!(before.post_webhook(&batch(1..25)).await.status(), 204);
    assert_eq!(after.post_webhook(&batch(25..49)).await.status(), 204);
    assert_eq!(
        after
            .post_webhook(&with_attempt(&batch(25..49), 1))
            .await
            .status(),
        204
    );
    // Redeliveries across the change: each process recognises what the
    // other recorded under its own count.
    assert_eq!(
        after
            .post_webhook(&with_attempt(&batch(1..25), 1))
            .await
            .status(),
        204
    );
    assert_eq!(
        before
            .post_webhook(&with_attempt(&batch(25..49), 2))
            .await
            .status(),
        204
    );
    assert_eq!(before.post_webhook(&batch(49..57)).await.status(), 204);
    let recorded = entries_per_partition(&before, 8).await;
    assert_eq!(recorded.values().sum::<usize>(), 56, "{recorded:?}");
    assert!(
        (2..8).any(|p| recorded[&p] > 0),
        "the old count wrote beyond the new one: {recorded:?}"
    );

    // A worker configured with the new count drains every partition, and
    // consumes each event once.
    let config = &after.config;
    let store = RedisStore::connect(&config.redis).expect("store");
    let hubspot =
        signup_reactor::hubspot::HubSpotClient::new(config.hubspot_endpoints()).expect("client");
    let ctx = WorkerContext::for_config(config, store, hubspot);
    let consumer = EventConsumer::new(ctx);
    let mut consumed: BTreeMap<u64, usize> = BTreeMap::new();
    let mut idle_steps = 0;
    while idle_steps < 3 {
        match consumer.process_next().await.expect("step") {
            ConsumeOutcome::Consumed { contact, .. } => {
                *consumed.entry(contact.get()).or_default() += 1;
            }
            ConsumeOutcome::Idle => idle_steps += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(consumed.len(), 56, "every event is consumed: {consumed:?}");
    assert!(consumed.values().all(|n| *n == 1), "{consumed:?}");
    assert_eq!(after.stream_len().await, 0);
    let left = entries_per_partition(&before, 8).await;
    assert!(left.values().all(|n| *n == 0), "{left:?}");
}
