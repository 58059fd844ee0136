//! The reactor on a private 3-master Redis Cluster: the receiver, the worker
//! and readiness, with the same code as on one node.

use std::time::Duration;

use serde_json::json;
use signup_reactor::startup::Role;

use crate::support::app::TestApp;
use crate::support::redis_cluster::TestCluster;
use crate::support::redis_cluster_nodes::cluster_ok;
use crate::support::redis_server::TestRedis;
use crate::support::stack::{Stack, eventually, sent_per_recipient, wait_for_emails};
use crate::support::webhooks::{creation, property_change, with_attempt};

async fn receiver_on(cluster: &TestCluster) -> TestApp {
    TestApp::spawn_role(Role::Receiver, TestRedis::external(cluster.url()), |_| {}).await
}

#[tokio::test]
async fn webhooks_are_recorded_and_deduplicated_on_a_cluster() {
    let cluster = TestCluster::start(3, 0);
    let app = receiver_on(&cluster).await;
    let batch = json!([
        creation(1, 9_007_199_254_740_993, 0),
        property_change(2, 501, "email", "ann@example.com"),
    ]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(
        app.post_webhook(&with_attempt(&batch, 1)).await.status(),
        204
    );
    assert_eq!(app.stream_len().await, 2, "recorded once each");
    assert_eq!(app.get_status("/readyz").await, 200);
}

#[tokio::test]
async fn readyz_fails_on_a_cluster_with_an_unserved_slot() {
    let cluster = TestCluster::start(3, 0);
    let app = receiver_on(&cluster).await;
    assert_eq!(app.get_status("/readyz").await, 200);
    let owner = cluster.master_of(0);
    let mut node = cluster.node(owner);
    let () = redis::cmd("CLUSTER")
        .arg("DELSLOTS")
        .arg(0)
        .query(&mut node)
        .expect("CLUSTER DELSLOTS 0");
    let failing = eventually(Duration::from_secs(10), || async { !cluster_ok(owner) }).await;
    assert!(failing, "the cluster did not notice the unserved slot");
    let refused = eventually(Duration::from_secs(10), || async {
        app.get_status("/readyz").await == 503
    })
    .await;
    assert!(refused, "/readyz must not be 200 while a slot is unserved");
}

#[tokio::test]
async fn every_signup_gets_exactly_one_email_on_a_cluster() {
    let cluster = TestCluster::start(3, 0);
    let stack = Stack::start_on(TestRedis::external(cluster.url()), |_| {}, |_| {}).await;
    let emails: Vec<String> = (0..12).map(|i| format!("cluster{i}@example.com")).collect();
    stack.sign_up_all(&emails).await;
    assert!(
        wait_for_emails(&stack.sim, &emails, Duration::from_secs(60)).await,
        "not every signup got its email on the cluster"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = sent_per_recipient(&stack.sim);
    assert!(emails.iter().all(|e| sent.get(e) == Some(&1)), "{sent:?}");
}

/// The slot of `key`, as the cluster computes it.
fn slot_of(cluster: &TestCluster, key: &str) -> u16 {
    let live = cluster.master_of(0);
    let mut node = cluster.node(live);
    redis::cmd("CLUSTER")
        .arg("KEYSLOT")
        .arg(key)
        .query(&mut node)
        .expect("CLUSTER KEYSLOT")
}

#[tokio::test]
async fn a_master_killed_mid_run_fails_over_and_nothing_is_lost_or_sent_twice() {
    let mut cluster = TestCluster::start(3, 1);
    let stack = Stack::start_on(TestRedis::external(cluster.url()), |_| {}, |_| {}).await;
    let first: Vec<String> = (0..10).map(|i| format!("before{i}@example.com")).collect();
    stack.sign_up_all(&first).await;

    // Kill the master of the event stream's slot while work is under way.
    let victim = cluster.master_of(slot_of(&cluster, "{events}"));
    cluster.kill(victim);
    let survivor = *cluster
        .ports
        .iter()
        .find(|p| **p != victim)
        .expect("survivor");
    let promoted = eventually(Duration::from_secs(30), || async {
        cluster_ok(survivor) && cluster.master_of(slot_of(&cluster, "{events}")) != victim
    })
    .await;
    let nodes: String = redis::cmd("CLUSTER")
        .arg("NODES")
        .query(&mut cluster.node(survivor))
        .unwrap_or_default();
    assert!(promoted, "the replica was not promoted: {nodes}");

    // The app backend retries what was refused meanwhile (503); nothing else.
    let second: Vec<String> = (0..10).map(|i| format!("after{i}@example.com")).collect();
    for email in &second {
        let accepted = eventually(Duration::from_secs(20), || async {
            stack
                .app
                .signup(&crate::support::stack::signup_body(email), None)
                .await
                .status()
                == 202
        })
        .await;
        assert!(accepted, "{email} was never accepted after the failover");
    }
    let all: Vec<String> = first.iter().chain(&second).cloned().collect();
    assert!(
        wait_for_emails(&stack.sim, &all, Duration::from_secs(90)).await,
        "a signup was lost across the failover"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent = sent_per_recipient(&stack.sim);
    assert!(all.iter().all(|e| sent.get(e) == Some(&1)), "{sent:?}");
}

#[tokio::test]
async fn every_script_touches_keys_of_one_slot() {
    use signup_reactor::domain::{ContactId, Email, EventIdentity};
    use signup_reactor::store::Keys;

    let cluster = TestCluster::start(3, 0);
    let keys = Keys::new("sr:").with_event_partitions(8);
    let contact = ContactId::new(9_007_199_254_740_993).expect("contact id");
    let email = Email::parse("ann@example.com").expect("email");
    let identity = |n: u64| {
        let mut event = serde_json::Map::new();
        event.insert("eventId".to_owned(), json!(n));
        EventIdentity::of(&event)
    };
    // The KEYS of each script, as the store passes them: record_events once
    // per partition.
    let mut scripts: Vec<(String, Vec<String>)> = (0..keys.event_partitions())
        .map(|p| {
            let keys = vec![
                keys.event_stream(p),
                keys.event_seen(p, &identity(1)),
                keys.event_seen(p, &identity(2)),
            ];
            (format!("record_events in partition {p}"), keys)
        })
        .collect();
    let others: Vec<(&str, Vec<String>)> = vec![
        (
            "signup_create",
            vec![
                keys.signup("s1"),
                keys.signups_open(),
                keys.signups_by_email(&email),
            ],
        ),
        (
            "signup_submitted",
            vec![keys.signup("s1"), keys.signups_due(), keys.signups_unseen()],
        ),
        (
            "signup_claim",
            vec![keys.signups_due(), keys.signup_claims()],
        ),
        (
            "signup_finish",
            vec![
                keys.signups_due(),
                keys.signup_claims(),
                keys.signups_recheck(),
                keys.signups_unseen(),
                keys.signups_open(),
                keys.signup("s1"),
                keys.signups_by_email(&email),
                keys.signups_by_contact(contact),
                keys.signups_by_fingerprint("-"),
            ],
        ),
        (
            "MGET of deleted contacts",
            vec![
                keys.deleted_contact(contact),
                keys.deleted_contact(ContactId::new(7).expect("contact id")),
            ],
        ),
        (
            "signup_wake",
            vec![
                keys.signups_due(),
                keys.signup_claims(),
                keys.signups_recheck(),
                keys.signups_unseen(),
                keys.early_check(),
                keys.signups_by_contact(contact),
                keys.signups_by_fingerprint(&email.fingerprint()),
            ],
        ),
        ("the partition registry", vec![keys.event_partitions_seen()]),
    ];
    scripts.extend(
        others
            .into_iter()
            .map(|(name, keys)| (name.to_owned(), keys)),
    );
    let mut node = cluster.node(cluster.ports[0]);
    for (script, script_keys) in scripts {
        let slots: std::collections::BTreeSet<u16> = script_keys
            .iter()
            .map(|key| {
                redis::cmd("CLUSTER")
                    .arg("KEYSLOT")
                    .arg(key)
                    .query(&mut node)
                    .expect("CLUSTER KEYSLOT")
            })
            .collect();
        assert_eq!(
            slots.len(),
            1,
            "{script} touches several slots: {script_keys:?}"
        );
    }
}
