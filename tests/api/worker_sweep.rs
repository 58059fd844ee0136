//! The reconciliation sweep, driven one `sweep_once` at a time on a private
//! Redis (no HubSpot call is made): open signups that fell out of their queue
//! go back on it, and a signup whose record expired ends as a dead letter,
//! counted, never silently.

use std::time::Duration;

use signup_reactor::config::Config;
use signup_reactor::domain::{SignupRecord, SignupStatus};
use signup_reactor::store::{DeadLetterSource, RedisStore};
use signup_reactor::worker::SweepReport;

use crate::support::metrics::with_own_metrics;
use crate::support::records::{self, dead_letters};
use crate::support::redis_server::TestRedis;
use crate::support::sweep::{SWEEP_AFTER, new_sweeper, release_sweep_lock, sweep_config};

const TTL: Duration = Duration::from_secs(3600);

/// An open signup in `status`, submitted `age` ago, in no queue yet.
async fn open_signup(
    store: &RedisStore,
    email: &str,
    status: SignupStatus,
    age: Duration,
) -> SignupRecord {
    records::open_signup(store, email, status, age, TTL).await
}

#[tokio::test]
async fn signups_that_fell_out_of_their_queue_are_queued_again() {
    let redis = TestRedis::start();
    let config = sweep_config(&redis);
    let store = RedisStore::connect(&config.redis).expect("store");
    let sweeper = new_sweeper(&config, store.clone());
    let old = SWEEP_AFTER * 2;
    // Submitted, but out of the check queue (as after a lost write).
    let lost_check = open_signup(&store, "lost@example.com", SignupStatus::Submitted, old).await;
    // Accepted for a Forms retry, and on no Forms queue (as after a lost write).
    let lost_forms = open_signup(&store, "forms@example.com", SignupStatus::Queued, old).await;
    // Submitted and queued for its check: nothing to do.
    let queued = open_signup(&store, "queued@example.com", SignupStatus::Submitted, old).await;
    assert!(
        store
            .signups()
            .submitted(&queued, TTL, Duration::from_secs(600))
            .await
            .expect("submitted")
    );
    let queued_due = store.checks().due_at(&queued.signup_id).await.expect("due");
    // Too young to be swept.
    let young = open_signup(
        &store,
        "young@example.com",
        SignupStatus::Submitted,
        Duration::ZERO,
    )
    .await;
    assert_eq!(
        store
            .checks()
            .due_at(&lost_check.signup_id)
            .await
            .expect("due"),
        None
    );

    let report = sweeper.sweep_once().await.expect("sweep");

    assert_eq!(
        report,
        SweepReport {
            skipped: false,
            examined: 3,
            rescheduled: vec![lost_check.signup_id.to_string()],
            requeued: 1,
            never_accepted: 0,
            dead_lettered: 0,
        }
    );
    assert!(
        store
            .checks()
            .due_at(&lost_check.signup_id)
            .await
            .expect("due")
            .is_some()
    );
    let forms_queue = store.forms_retry_queue();
    assert!(
        forms_queue
            .contains(&lost_forms.signup_id)
            .await
            .expect("queued")
    );
    let requeued = store
        .signups()
        .load(&lost_forms.signup_id)
        .await
        .expect("load");
    assert_eq!(requeued.map(|r| r.status), Some(SignupStatus::Queued));
    assert_eq!(
        store
            .checks()
            .due_at(&lost_forms.signup_id)
            .await
            .expect("due"),
        None
    );
    assert_eq!(
        store.checks().due_at(&queued.signup_id).await.expect("due"),
        queued_due,
        "a queued check keeps its due time"
    );
    assert_eq!(
        store.checks().due_at(&young.signup_id).await.expect("due"),
        None
    );
    assert!(dead_letters(&store).await.is_empty());

    // Another replica (a context of its own) while the lock is held: no second sweep.
    let other = new_sweeper(&config, store.clone());
    assert!(other.sweep_once().await.expect("sweep").skipped);

    // The next sweep finds every signup in its queue: nothing to do twice.
    release_sweep_lock(&redis, &store).await;
    let again = sweeper.sweep_once().await.expect("sweep");
    assert_eq!((again.examined, again.requeued), (3, 0));
    assert!(again.rescheduled.is_empty());
}

#[tokio::test]
async fn a_signup_whose_record_expired_ends_as_a_counted_dead_letter() {
    let redis = TestRedis::start();
    let config = sweep_config(&redis);
    let store = RedisStore::connect(&config.redis).expect("store");
    let gone = open_signup(
        &store,
        "gone@example.com",
        SignupStatus::Submitted,
        SWEEP_AFTER * 2,
    )
    .await;
    assert!(
        store
            .signups()
            .submitted(&gone, TTL, Duration::from_secs(600))
            .await
            .expect("submitted")
    );
    // Its record expires (past every horizon) while it is still open.
    let mut conn = redis.connection().await;
    let deleted: i64 = redis::cmd("DEL")
        .arg(store.keys().signup(&gone.signup_id))
        .query_async(&mut conn)
        .await
        .expect("DEL");
    assert_eq!(deleted, 1);

    let (report, metrics) = sweep_with_own_metrics(config.clone()).await;

    assert_eq!((report.examined, report.dead_lettered), (1, 1));
    let letters = dead_letters(&store).await;
    assert_eq!(letters.len(), 1);
    assert_eq!(
        letters[0].source,
        DeadLetterSource::Check {
            signup_id: gone.signup_id.to_string(),
            contact: None,
        }
    );
    assert_eq!(letters[0].reason, "signup record expired or unreadable");
    assert!(
        metrics
            .lines()
            .any(|line| line == r#"dead_letters_total{source="checks"} 1"#),
        "the dead letter is counted:\n{metrics}"
    );
    // It left every queue: the next sweep neither sees nor dead-letters it again.
    assert_eq!(
        store.checks().due_at(&gone.signup_id).await.expect("due"),
        None
    );
    release_sweep_lock(&redis, &store).await;
    let again = new_sweeper(&config, store.clone())
        .sweep_once()
        .await
        .expect("sweep");
    assert_eq!((again.examined, again.dead_lettered), (0, 0));
    assert_eq!(dead_letters(&store).await.len(), 1);
}

/// One sweep with a metrics recorder of its own; the report and the metrics.
async fn sweep_with_own_metrics(config: Config) -> (SweepReport, String) {
    with_own_metrics(move || async move {
        let store = RedisStore::connect(&config.redis).expect("store");
        new_sweeper(&config, store)
            .sweep_once()
            .await
            .expect("sweep")
    })
    .await
}

/// Open signups waiting, properly queued, ahead of a lost one: more than
/// one page of the sweep.
const WAITING: usize = 1_200;

/// Where a previous sweep stopped among them.
const SWEPT_BEFORE: usize = 700;

#[tokio::test]
async fn a_lost_signup_behind_many_waiting_ones_is_found() {
    let redis = TestRedis::start();
    let config = sweep_config(&redis);
    let store = RedisStore::connect(&config.redis).expect("store");
    let sweeper = new_sweeper(&config, store.clone());
    let old = SWEEP_AFTER * 3;
    let mut positions = Vec::new();
    for n in 0..WAITING {
        let waiting = open_signup(
            &store,
            &format!("waiting{n}@example.com"),
            SignupStatus::Submitted,
            old,
        )
        .await;
        assert!(
            store
                .signups()
                .submitted(&waiting, TTL, Duration::from_secs(600))
                .await
                .expect("submitted")
        );
        positions.push((waiting.submitted_at, waiting.signup_id.to_string()));
    }
    // Younger than all of them, but old enough to be swept; in no queue.
    let lost = open_signup(
        &store,
        "lost-behind@example.com",
        SignupStatus::Submitted,
        SWEEP_AFTER * 2,
    )
    .await;

    let report = sweeper.sweep_once().await.expect("sweep");
    assert_eq!(report.examined, WAITING + 1, "each open signup seen once");
    assert_eq!(report.rescheduled, vec![lost.signup_id.to_string()]);
    assert!(
        store
            .checks()
            .due_at(&lost.signup_id)
            .await
            .expect("due")
            .is_some()
    );

    // Having reached the end, the next sweep starts over from the oldest.
    release_sweep_lock(&redis, &store).await;
    let again = sweeper.sweep_once().await.expect("sweep");
    assert_eq!((again.examined, again.rescheduled.len()), (WAITING + 1, 0));

    // A sweep goes on from where the last one stopped.
    positions.sort();
    let stopped = &positions[SWEPT_BEFORE - 1];
    store
        .sweep_cursor()
        .save(Some(stopped))
        .await
        .expect("cursor");
    release_sweep_lock(&redis, &store).await;
    let resumed = sweeper.sweep_once().await.expect("sweep");
    assert_eq!(resumed.examined, WAITING + 1 - SWEPT_BEFORE);
    assert_eq!(store.sweep_cursor().load().await.expect("cursor"), None);
}
