//! Replicas and crashes: two reactor processes on one stream send one email
//! per contact, a crashed worker's entries are reclaimed, and HubSpot's 429
//! and 5xx bursts still give exactly one email each.

use std::time::Duration;

use hubspot_simulator::{Endpoint, FaultRule};
use signup_reactor::startup::Role;

use crate::support::redis_server::TestRedis;
use crate::support::stack::{Stack, eventually, sent_per_recipient, signup_body};

#[tokio::test]
async fn two_reactor_processes_on_one_stream_send_one_email_per_contact_for_200_signups() {
    two_processes_send_one_email_each(TestRedis::start(), 200).await;
}

/// Two reactor processes on `redis` share `signups` signups (HubSpot
/// delivering a fifth of the webhooks twice): one email per contact.
pub async fn two_processes_send_one_email_each(redis: TestRedis, signups: usize) {
    let stack = Stack::start_on(
        redis,
        |sim| sim.webhooks.duplicate_probability = 0.2,
        |_| {},
    )
    .await;
    let second = stack.replica(Role::All, |_| {}).await;
    let emails: Vec<String> = (0..signups)
        .map(|i| format!("pair{i}@example.com"))
        .collect();
    for (i, email) in emails.iter().enumerate() {
        let app = if i % 2 == 0 { &stack.app } else { &second };
        assert_eq!(app.signup(&signup_body(email), None).await.status(), 202);
    }
    stack.expect_emails(&emails, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = sent_per_recipient(&stack.sim);
    assert_eq!(sent.len(), signups);
    assert!(
        sent.values().all(|n| *n == 1),
        "a contact got more than one email"
    );
    assert_eq!(stack.sim.stats().contacts_created_by_single_send, 0);
}

#[tokio::test]
async fn an_event_left_unacknowledged_by_a_crashed_worker_is_reclaimed_and_sent_once() {
    crashed_worker_entries_are_reclaimed(TestRedis::start()).await;
}

/// A receiver alone records the events; a "worker" reads them and dies; a
/// new worker reclaims them and the email goes out once.
pub async fn crashed_worker_entries_are_reclaimed(redis: TestRedis) {
    let stack = Stack::start_on(redis, |_| {}, |_| {}).await;
    stack.app.shutdown.cancel();
    let receiver = stack.replica(Role::Receiver, |_| {}).await;
    stack.sim.set_webhook_target(Some(receiver.webhook_url()));
    let email = "crash@example.com".to_owned();
    assert_eq!(
        receiver.signup(&signup_body(&email), None).await.status(),
        202
    );
    assert!(
        eventually(Duration::from_secs(10), || async {
            receiver.stream_len().await > 0
        })
        .await
    );
    let mut conn = receiver.any_conn();
    let mut taken = 0;
    for stream in receiver.event_streams() {
        let _: Result<(), _> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&stream)
            .arg("reactor-workers")
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut conn)
            .await;
        let reply: Option<redis::streams::StreamReadReply> = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg("reactor-workers")
            .arg("crashed-worker")
            .arg("COUNT")
            .arg(100)
            .arg("STREAMS")
            .arg(&stream)
            .arg(">")
            .query_async(&mut conn)
            .await
            .expect("XREADGROUP");
        taken += reply.map_or(0, |r| r.keys.iter().map(|k| k.ids.len()).sum());
    }
    assert!(taken > 0, "the crashed worker took the events");

    let worker = stack
        .replica(Role::Worker, |config| {
            config.worker.stream_claim_idle = Duration::from_millis(200);
        })
        .await;
    stack
        .expect_emails(std::slice::from_ref(&email), Duration::from_secs(20))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sent_per_recipient(&stack.sim).get(&email), Some(&1));
    assert_eq!(
        worker.stream_len().await,
        0,
        "reclaimed entries are acknowledged and removed"
    );
}

#[tokio::test]
async fn hubspot_429_and_5xx_bursts_still_give_exactly_one_email_each() {
    // HubSpot allows 40 calls a second; the reactor takes 30, below the
    // account's limit, as an operator would set it.
    let stack = Stack::under_api_quota(
        40,
        30,
        Duration::from_secs(1),
        |sim| {
            sim.faults = vec![
                FaultRule::rate_limited(Endpoint::CrmContact, 5),
                FaultRule::server_errors(Endpoint::LegacyProfile, 503, 5),
                FaultRule::server_errors(Endpoint::SingleSend, 500, 3),
                FaultRule::rate_limited(Endpoint::SingleSend, 3),
            ];
        },
        |_| {},
    )
    .await;
    let emails: Vec<String> = (0..30).map(|i| format!("chaos{i}@example.com")).collect();
    stack.sign_up_all(&emails).await;
    stack.expect_emails(&emails, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = sent_per_recipient(&stack.sim);
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
    assert_eq!(sent.len(), emails.len());
    // Only the injected 429s: the shared limiter kept the worker under the
    // account's quota, so HubSpot's own limiter never refused a call.
    assert_eq!(stack.sim.stats().quota_rejections, 0);
}
