//! Each fenced signup write compares, inside its script, the state its
//! writer read: the stored status and, for the intake's acceptance, a
//! deadline on the Redis clock. A write that finds anything else changes
//! nothing and says what it found.

use std::time::Duration;

use signup_reactor::domain::SignupStatus;
use signup_reactor::store::{Guard, RedisStore, Written};

use crate::support::app::test_config;
use crate::support::records::signup_record;
use crate::support::redis_server::TestRedis;

const TTL: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn fenced_writes_change_only_the_state_their_writer_read() {
    let redis = TestRedis::start();
    let store = RedisStore::connect(&test_config(&redis.url).redis).expect("store");
    let signups = store.signups();
    let mut record = signup_record("fence@example.com", signup_reactor::clock::now_ms());
    let created = signups.create(&record, TTL).await.expect("create");
    let id = record.signup_id.to_string();
    let status = |store: RedisStore, id: String| async move {
        store
            .signups()
            .load(&id)
            .await
            .expect("load")
            .map(|r| r.status)
    };

    // An acceptance Redis runs past its deadline changes nothing.
    record.status = SignupStatus::Submitted;
    let late = Guard {
        status: Some(SignupStatus::Submitting),
        deadline_ms: Some(created.redis_ms.saturating_sub(1)),
    };
    let written = signups
        .submitted_if(&record, late, TTL, Duration::ZERO)
        .await;
    assert_eq!(written.expect("write"), Written::TooLate);
    assert_eq!(
        status(store.clone(), id.clone()).await,
        Some(SignupStatus::Submitting)
    );
    assert_eq!(store.checks().due_at(&id).await.expect("due"), None);

    // A rewrite expecting another status changes nothing; the right one writes.
    record.status = SignupStatus::Queued;
    let queued = Guard::status(SignupStatus::Queued);
    assert_eq!(
        signups.save_if(&record, queued, TTL).await.expect("save"),
        Written::Changed
    );
    let in_time = Guard {
        status: Some(SignupStatus::Submitting),
        deadline_ms: Some(created.redis_ms + 60_000),
    };
    assert_eq!(
        signups.save_if(&record, in_time, TTL).await.expect("save"),
        Written::Stored
    );
    assert_eq!(
        status(store.clone(), id.clone()).await,
        Some(SignupStatus::Queued)
    );

    // Retiring a stale `submitted` copy leaves the `queued` record open.
    let mut stale = record.clone();
    stale.status = SignupStatus::DeadLettered;
    let retired = signups.retire(&stale, SignupStatus::Submitted, TTL).await;
    assert_eq!(retired.expect("retire"), Written::Changed);
    assert_eq!(
        signups.open_before(u64::MAX, 10).await.expect("open"),
        vec![id.clone()]
    );
    // Re-queueing a check expects `submitted`: refused for a `queued` record.
    let requeued = signups.requeue_check(&id, SignupStatus::Submitted).await;
    assert_eq!(requeued.expect("requeue"), Written::Changed);
    assert_eq!(store.checks().due_at(&id).await.expect("due"), None);

    // With the status read, the retirement happens: out of every index.
    let retired = signups.retire(&stale, SignupStatus::Queued, TTL).await;
    assert_eq!(retired.expect("retire"), Written::Stored);
    assert!(
        signups
            .open_before(u64::MAX, 10)
            .await
            .expect("open")
            .is_empty()
    );
    assert_eq!(
        status(store.clone(), id.clone()).await,
        Some(SignupStatus::DeadLettered)
    );

    // A record that is gone is never brought back.
    let mut other = record.clone();
    other.signup_id = "gone".into();
    assert_eq!(
        signups
            .save_if(&other, Guard::status(SignupStatus::Queued), TTL)
            .await
            .expect("save"),
        Written::Gone
    );
    assert_eq!(status(store.clone(), "gone".to_owned()).await, None);
}
