//! During a launch (more Forms retries due now or within the Forms limit's
//! window than half of what it lets through in one) checks economize even
//! with the quota plentiful, and send status reads wait for the launch to
//! end, all but one canary per interval; a retry due in hours, or a few
//! retries after transient answers, are no launch.

use std::time::Duration;

use signup_reactor::clock::now_ms;
use signup_reactor::worker::{CheckOutcome, Reason};

use crate::support::driven::{batch, driven_with};
use crate::support::driven_signups::landed_signup;

/// Signups whose Forms retries are due: one more than half of what the
/// Forms limit lets through in its window, so a launch is under way.
fn launch(d: &crate::support::driven::Driven) -> usize {
    usize::try_from(d.ctx.launch_backlog).expect("small") + 1
}

fn queued(n: usize) -> String {
    format!("queued-signup-{n}")
}

/// Queues `count` Forms retries due now.
async fn queue_due(store: &signup_reactor::store::RedisStore, count: usize) {
    for n in 0..count {
        store
            .forms_retry_queue()
            .schedule(&queued(n), Duration::ZERO)
            .await
            .expect("schedule");
    }
}

/// Ends the launch: the queued retries leave.
async fn end_launch(store: &signup_reactor::store::RedisStore, count: usize) {
    for n in 0..count {
        store
            .forms_retry_queue()
            .remove(&queued(n))
            .await
            .expect("remove");
    }
}

#[tokio::test]
async fn during_a_launch_checks_linger_with_the_quota_plentiful() {
    let d = driven_with(|config| config.worker.check_linger = Duration::from_secs(30)).await;
    let checker = d.checker();
    queue_due(&d.store, launch(&d)).await;
    d.record_only("launch@example.com").await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(outcome, CheckOutcome::Idle { next_due: Some(wait) } if wait > Duration::from_secs(20)),
        "the due signup waits for others to share its batch: {outcome:?}"
    );
    end_launch(&d.store, launch(&d)).await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(&outcome, CheckOutcome::Batch(r) if r.claimed == 1),
        "after the launch a lone signup is checked at once: {outcome:?}"
    );
}

#[tokio::test]
async fn during_a_launch_one_status_read_goes_ahead_and_the_others_wait_for_its_end() {
    let d = driven_with(|config| config.worker.check_linger = Duration::ZERO).await;
    let checker = d.checker();
    let ids = [
        landed_signup(&d, "canary@example.com").await,
        landed_signup(&d, "waits@example.com").await,
    ];
    for id in &ids {
        d.make_due(id).await;
    }
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred.len(),
        2,
        "both sends are PENDING: {report:?}"
    );

    queue_due(&d.store, launch(&d)).await;
    tokio::time::sleep(d.ctx.settings.send_status_delay).await;
    for id in &ids {
        d.make_due(id).await;
    }
    let report = batch(&checker).await;
    assert_eq!(
        report.sent.len(),
        1,
        "the canary's status was read: {report:?}"
    );
    let waiting = ids
        .iter()
        .find(|id| !report.sent.contains(id))
        .expect("one waits")
        .clone();
    assert_eq!(
        report.deferred,
        vec![(waiting.clone(), Reason::LaunchUnderWay)]
    );
    let due = d.due_at(&waiting).await;
    let interval = signup_reactor::worker::LAUNCH_STATUS_INTERVAL.as_millis() as u64;
    assert!(
        due > now_ms() + interval / 2 && due <= now_ms() + interval,
        "it looks again after the canary's interval"
    );

    end_launch(&d.store, launch(&d)).await;
    d.make_due(&waiting).await;
    let report = batch(&checker).await;
    assert_eq!(report.sent, vec![waiting], "the launch is over: read");
}

#[tokio::test]
async fn a_retry_due_in_hours_is_no_launch() {
    let d = driven_with(|config| config.worker.check_linger = Duration::from_secs(30)).await;
    let checker = d.checker();
    d.store
        .forms_retry_queue()
        .schedule(&queued(0), Duration::from_secs(10 * 3600))
        .await
        .expect("schedule");
    d.record_only("steady@example.com").await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(&outcome, CheckOutcome::Batch(r) if r.claimed == 1),
        "a lone signup is checked at once, no lingering: {outcome:?}"
    );
}

#[tokio::test]
async fn a_few_retries_after_transient_answers_are_no_launch() {
    let d = driven_with(|config| config.worker.check_linger = Duration::from_secs(30)).await;
    let checker = d.checker();
    queue_due(&d.store, 3).await;
    d.record_only("steady@example.com").await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(&outcome, CheckOutcome::Batch(r) if r.claimed == 1),
        "a lone signup is checked at once, no lingering: {outcome:?}"
    );
}
