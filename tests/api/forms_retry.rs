//! The Forms retry queue, driven one step at a time against the simulator
//! and a private Redis: every queued signup leaves it as a submission or a
//! dead letter, and a launch costs work linear in its size.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use signup_reactor::domain::SignupStatus;
use signup_reactor::store::DeadLetterSource;
use signup_reactor::store::Quota;
use signup_reactor::worker::RetryOutcome;

use crate::support::records::dead_letters;
use crate::support::retrying::retrying;

/// Calls of `command` since the last `CONFIG RESETSTAT`, commands inside
/// scripts included.
async fn calls(conn: &mut redis::aio::MultiplexedConnection, command: &str) -> u64 {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(conn)
        .await
        .expect("INFO");
    let prefix = format!("cmdstat_{command}:calls=");
    info.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_queued_signup_whose_record_is_gone_or_unreadable_becomes_a_dead_letter() {
    let r = retrying(|_| {}).await;
    let gone = r.queued("gone@example.com", BTreeMap::new()).await;
    let garbled = r.queued("garbled@example.com", BTreeMap::new()).await;
    let mut conn = r.redis_conn().await;
    let _: i64 = redis::cmd("DEL")
        .arg(r.store.keys().signup(&gone.signup_id))
        .query_async(&mut conn)
        .await
        .expect("DEL");
    let _: () = redis::cmd("SET")
        .arg(r.store.keys().signup(&garbled.signup_id))
        .arg("{not a record")
        .query_async(&mut conn)
        .await
        .expect("SET");

    let outcome = r.retry.process_next().await.expect("step");

    let RetryOutcome::Batch(report) = outcome else {
        panic!("both were claimed: {outcome:?}");
    };
    assert_eq!(report.dead_lettered, 2, "{report:?}");
    let letters = dead_letters(&r.store).await;
    let mut sources: Vec<DeadLetterSource> = letters.iter().map(|l| l.source.clone()).collect();
    sources.sort_by_key(|s| format!("{s:?}"));
    let mut expected = vec![
        DeadLetterSource::Forms {
            signup_id: gone.signup_id.to_string(),
        },
        DeadLetterSource::Forms {
            signup_id: garbled.signup_id.to_string(),
        },
    ];
    expected.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(sources, expected);
    assert!(
        letters
            .iter()
            .all(|l| l.reason == "signup record expired or unreadable")
    );
    assert_eq!(r.store.forms_retry_queue().depth().await.expect("depth"), 0);
    let open = r
        .store
        .signups()
        .open_before(u64::MAX, 10)
        .await
        .expect("open");
    assert!(open.is_empty(), "they left the open signups: {open:?}");
}

/// Signups queued at once in the launch below.
const LAUNCH: usize = 16;

#[tokio::test]
async fn a_launch_is_retried_with_no_record_rewrite_or_wake_up_for_the_rate_limit() {
    let r = retrying(|config| {
        config.signup.forms_quota = Quota::parse("4/500ms").expect("quota");
    })
    .await;
    let mut ids = Vec::new();
    for n in 0..LAUNCH {
        let record = r
            .queued(&format!("launch{n}@example.com"), BTreeMap::new())
            .await;
        ids.push(record.signup_id);
    }
    let mut conn = r.redis_conn().await;
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async(&mut conn)
        .await
        .expect("RESETSTAT");

    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut submitted, mut claims) = (0, 0);
    while submitted < LAUNCH {
        assert!(Instant::now() < deadline, "{submitted} submitted in 30 s");
        match r.retry.process_next().await.expect("step") {
            RetryOutcome::Idle { next_due } => {
                let wait = next_due.unwrap_or(Duration::from_millis(50));
                tokio::time::sleep(wait.min(Duration::from_millis(200))).await;
            }
            RetryOutcome::Batch(report) => {
                assert!(
                    report.submitted + report.deferred <= 4,
                    "no more claimed than the quota has permits: {report:?}"
                );
                assert_eq!(report.rescheduled + report.dead_lettered, 0, "{report:?}");
                submitted += report.submitted;
                claims += 1;
            }
        }
    }

    assert_eq!(r.sim.submissions().len(), LAUNCH);
    assert!(claims <= LAUNCH, "{claims} claiming steps");
    // One record write and one wake-up token per signup: its submission
    // (which makes its first check due), none while it waited for a permit.
    assert_eq!(
        calls(&mut conn, "set").await,
        LAUNCH as u64,
        "record writes"
    );
    assert_eq!(
        calls(&mut conn, "lpush").await,
        LAUNCH as u64,
        "wake tokens"
    );
    // Per signup: its claim, its permit, its check's due time; a few
    // signups put back when the quota's window had not quite moved on.
    let zadd = calls(&mut conn, "zadd").await;
    assert!(zadd <= 4 * LAUNCH as u64, "{zadd} ZADDs");
    for id in &ids {
        let record = r.store.signups().load(id).await.expect("load");
        assert_eq!(record.map(|r| r.status), Some(SignupStatus::Submitted));
    }
}
