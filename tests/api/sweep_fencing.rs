//! The sweep's writes are conditional on the state it read: a signup another
//! writer moved on between the sweep's read and its write (a check that sent
//! it, a Forms retry that submitted it) is left as that writer left it. The
//! sweep's write is held on its way to Redis (a proxy) while the other
//! writer acts, as a slow network would.

use std::time::Duration;

use signup_reactor::domain::{SendRecord, SignupRecord, SignupStatus};
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{SweepReport, Sweeper};

use crate::support::holding_proxy::HoldingProxy;
use crate::support::records::{open_signup, stored_record};
use crate::support::redis_server::TestRedis;
use crate::support::sweep::{SWEEP_AFTER, new_sweeper, sweep_config};

const TTL: Duration = Duration::from_secs(3600);

/// The test's own store on `redis`, and a sweeper whose store goes through `proxy`.
fn setup(redis: &TestRedis, proxy: &HoldingProxy) -> (RedisStore, Sweeper) {
    let config = sweep_config(redis);
    let store = RedisStore::connect(&config.redis).expect("store");
    let mut proxied = config;
    proxied.redis.url = proxy.url.clone().into();
    let swept = RedisStore::connect(&proxied.redis).expect("store");
    (store, new_sweeper(&proxied, swept))
}

/// An open signup in `status`, old enough to be swept, in no queue.
async fn old_signup(store: &RedisStore, status: SignupStatus) -> SignupRecord {
    open_signup(store, "fenced@example.com", status, SWEEP_AFTER * 2, TTL).await
}

/// Runs one sweep whose first held write waits while `meanwhile` runs.
async fn sweep_around(
    proxy: &HoldingProxy,
    sweeper: Sweeper,
    meanwhile: impl std::future::Future<Output = ()>,
) -> SweepReport {
    let sweep = tokio::spawn(async move { sweeper.sweep_once().await.expect("sweep") });
    assert!(
        proxy.wait_held(Duration::from_secs(5)).await,
        "the sweep wrote nothing"
    );
    meanwhile.await;
    proxy.release();
    sweep.await.expect("sweep task")
}

/// Writes `record` as it is, keeping its TTL (what another writer stored).
async fn overwrite(redis: &TestRedis, store: &RedisStore, record: &SignupRecord) {
    let mut conn = redis.connection().await;
    let _: () = redis::cmd("SET")
        .arg(store.keys().signup(&record.signup_id))
        .arg(record.encode())
        .arg("KEEPTTL")
        .query_async(&mut conn)
        .await
        .expect("SET");
}

#[tokio::test]
async fn a_signup_sent_while_the_sweep_requeues_it_stays_sent() {
    let redis = TestRedis::start();
    let proxy = HoldingProxy::start(&redis.url).await;
    let (store, sweeper) = setup(&redis, &proxy);
    // Submitted, and out of the check queue: the sweep reads it and queues
    // its check again; meanwhile a check sends its email.
    let record = old_signup(&store, SignupStatus::Submitted).await;
    proxy.hold_scripts();
    let report = sweep_around(&proxy, sweeper, async {
        let mut sent = record.clone();
        sent.status = SignupStatus::Sent;
        sent.send = Some(SendRecord {
            send_id: format!("sr-verify-{}", sent.signup_id),
            status_id: "st".to_owned(),
            send_result: "SENT".to_owned(),
            sent_at: signup_reactor::clock::now_ms(),
            status_reads: 0,
        });
        overwrite(&redis, &store, &sent).await;
    })
    .await;

    let stored = stored_record(&store, &record.signup_id).await;
    assert_eq!(stored.status, SignupStatus::Sent, "the sent record stays");
    assert!(stored.send.is_some());
    assert_eq!(
        store.checks().due_at(&record.signup_id).await.expect("due"),
        None,
        "a sent signup is never checked again"
    );
    assert!(report.rescheduled.is_empty(), "{report:?}");
}

#[tokio::test]
async fn a_signup_submitted_while_the_sweep_requeues_its_forms_call_stays_submitted() {
    let redis = TestRedis::start();
    let proxy = HoldingProxy::start(&redis.url).await;
    let (store, sweeper) = setup(&redis, &proxy);
    // Queued for the Forms API and missing from its queue: the sweep reads
    // it; meanwhile a Forms retry submits it and queues its check.
    let record = old_signup(&store, SignupStatus::Queued).await;
    // The sweep lock's SET passes; its next write waits.
    proxy.hold(&["SET", "EVAL", "EVALSHA"], 1);
    sweep_around(&proxy, sweeper, async {
        let mut submitted = record.clone();
        submitted.status = SignupStatus::Submitted;
        submitted.attempts = 2;
        assert!(
            store
                .signups()
                .submitted(&submitted, TTL, Duration::from_secs(600))
                .await
                .expect("submitted")
        );
    })
    .await;

    let stored = stored_record(&store, &record.signup_id).await;
    assert_eq!(
        stored.status,
        SignupStatus::Submitted,
        "never put back as queued for a second submission"
    );
    assert_eq!(stored.attempts, 2);
    assert!(
        store
            .checks()
            .due_at(&record.signup_id)
            .await
            .expect("due")
            .is_some()
    );
}
