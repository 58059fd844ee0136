//! Idle checkers block instead of polling, and wake when a signup becomes
//! due in any process: the wake list carries a token from the process that
//! made it due to one that waits.

use std::time::Duration;

use hubspot_simulator::{Endpoint, FaultRule};
use signup_reactor::domain::ContactId;
use signup_reactor::startup::Role;

use crate::support::app::TestApp;
use crate::support::driven::driven;
use crate::support::stack::{Stack, signup_body, wait_for_emails};

#[tokio::test]
async fn a_waiter_wakes_for_a_submission_and_only_for_events_that_woke_a_signup() {
    let d = driven().await;
    let waiter = d.store.wake_list_waiter(Duration::from_secs(5));
    let quiet = waiter.wait(Duration::from_millis(100)).await.expect("wait");
    assert!(!quiet, "nothing was made due: the wait times out");

    // A submitted signup, due in a minute (a long grace).
    let record = d.record_only("token@example.com").await;
    let signups = d.store.signups();
    let hour = Duration::from_secs(3600);
    assert!(waiter.wait(Duration::from_secs(2)).await.expect("wait"));
    assert!(
        signups
            .submitted(&record, hour, Duration::from_secs(60))
            .await
            .expect("submitted")
    );
    assert!(
        waiter.wait(Duration::from_secs(2)).await.expect("wait"),
        "a submission leaves a token"
    );

    let checks = d.store.checks();
    let stranger = ContactId::new(987_654).expect("contact id");
    let ttl = Duration::from_secs(60);
    let woken = checks
        .wake(stranger, None, false, ttl, ttl)
        .await
        .expect("wake");
    assert_eq!(woken, 0);
    assert!(
        !waiter.wait(Duration::from_millis(100)).await.expect("wait"),
        "an event that woke no signup leaves no token"
    );

    let fingerprint = record.email.fingerprint();
    let woken = checks
        .wake(stranger, Some(&fingerprint), false, ttl, ttl)
        .await
        .expect("wake");
    assert_eq!(woken, 1, "the address's signup is woken: due now");
    assert!(
        waiter.wait(Duration::from_secs(2)).await.expect("wait"),
        "an event that woke a signup leaves a token"
    );
}

/// A worker process gone idle and a receiver process apart, on one stack
/// whose own reactor is stopped.
async fn idle_worker_and_receiver() -> (Stack, TestApp, TestApp) {
    let stack = Stack::start(|_| {}, |_| {}).await;
    stack.app.shutdown.cancel();
    // No webhooks: no event can wake the worker, only the wake list.
    stack.sim.set_webhook_target(None);
    let worker = stack.replica(Role::Worker, |_| {}).await;
    // The worker finds its queues empty and its tasks go idle (its checkers
    // for up to their 10 s idle limit).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let receiver = stack.replica(Role::Receiver, |_| {}).await;
    (stack, worker, receiver)
}

#[tokio::test]
async fn an_idle_worker_process_wakes_when_another_process_accepts_a_signup() {
    let (stack, _worker, receiver) = idle_worker_and_receiver().await;
    let email = "woken@example.com".to_owned();
    let response = receiver.signup(&signup_body(&email), None).await;
    assert_eq!(response.status(), 202);
    assert!(
        wait_for_emails(&stack.sim, &[email], Duration::from_secs(7)).await,
        "the idle worker was not woken by the other process's submission"
    );
}

#[tokio::test]
async fn an_idle_worker_process_wakes_when_another_process_queues_a_forms_retry() {
    let (stack, _worker, receiver) = idle_worker_and_receiver().await;
    // HubSpot fails the first submission: the receiver queues a retry.
    stack
        .sim
        .add_fault(FaultRule::server_errors(Endpoint::FormsSubmit, 503, 1));
    let email = "retried@example.com".to_owned();
    let response = receiver.signup(&signup_body(&email), None).await;
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "queued");
    assert!(
        wait_for_emails(&stack.sim, &[email], Duration::from_secs(7)).await,
        "the idle worker's Forms retry task was not woken by the other process"
    );
}

#[tokio::test]
async fn creation_events_within_the_interval_make_unseen_signups_due_at_its_end() {
    let d = driven().await;
    let checks = d.store.checks();
    let interval = Duration::from_secs(2);
    let ttl = Duration::from_secs(60);
    let first = ContactId::new(1_001).expect("contact id");
    // The first creation event opens the interval (no signup to wake yet).
    assert_eq!(
        checks
            .wake(first, None, true, interval, ttl)
            .await
            .expect("wake"),
        0
    );
    // A signup submitted now, its first check a minute away.
    let mut record = signup_reactor::domain::SignupRecord::new(
        signup_reactor::domain::Email::parse("unseen@example.com").expect("email"),
        Default::default(),
        Default::default(),
        Default::default(),
        signup_reactor::clock::now_ms(),
    );
    let signups = d.store.signups();
    signups.create(&record, ttl).await.expect("create");
    record.status = signup_reactor::domain::SignupStatus::Submitted;
    assert!(
        signups
            .submitted(&record, ttl, ttl)
            .await
            .expect("submitted")
    );
    // A second creation event within the interval is not dropped: the
    // unseen signup becomes due when the interval ends.
    let second = ContactId::new(1_002).expect("contact id");
    let before = signup_reactor::clock::now_ms();
    assert_eq!(
        checks
            .wake(second, None, true, interval, ttl)
            .await
            .expect("wake"),
        1
    );
    let due = d.due_at(&record.signup_id).await;
    assert!(
        due > before && due <= before + 2_000,
        "due at the interval's end, not in a minute: {}",
        due.saturating_sub(before)
    );
}
