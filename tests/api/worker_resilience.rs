use std::time::Duration;

use hubspot_simulator::{DelayRange, Endpoint, FaultRule, RateLimit};
use signup_reactor::domain::{Email, SendId, SignupStatus};
use signup_reactor::hubspot::transactional::SingleSend;
use signup_reactor::hubspot::{HubSpotClient, HubSpotEndpoints};
use signup_reactor::startup::Role;
use signup_reactor::store::{CheckEnd, Finish, RedisStore};

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;
use crate::support::stack::sent_per_recipient;
use crate::support::stack::{ACCESS_TOKEN, EMAIL_ID, Stack, eventually, signup_body, wire};

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
    let prefix = stack.app.prefix.clone();
    let second = TestApp::spawn_role(Role::All, stack.app.redis.share(), |config| {
        wire(config, &stack.sim);
        config.redis.key_prefix = prefix.clone();
    })
    .await;
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
    let receiver = TestApp::spawn_role(Role::Receiver, stack.app.redis.share(), |config| {
        wire(config, &stack.sim);
        config.redis.key_prefix = stack.app.prefix.clone();
    })
    .await;
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

    let worker = TestApp::spawn_role(Role::Worker, stack.app.redis.share(), |config| {
        wire(config, &stack.sim);
        config.redis.key_prefix = stack.app.prefix.clone();
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
async fn a_worker_that_died_after_sending_but_before_recording_causes_no_second_email() {
    // The first check only comes after a long grace: the test plays the dead worker first.
    let stack = Stack::start(
        |sim| sim.webhooks.dispatch_delay = DelayRange::fixed(60_000),
        |config| {
            config.signup.first_check_grace = Duration::from_secs(3600);
            config.worker.check_lease = Duration::from_millis(400);
            config.hubspot.http_timeout = Duration::from_millis(100);
        },
    )
    .await;
    let email = "halfway@example.com";
    let response = stack.app.signup(&signup_body(email), None).await;
    assert_eq!(response.status(), 202);
    let body: serde_json::Value = response.json().await.expect("json");
    let signup_id = body["signupId"].as_str().expect("signupId").to_owned();
    let sim = &stack.sim;
    assert!(
        eventually(Duration::from_secs(10), || async {
            sim.contact_by_email(email)
                .is_some_and(|c| c.visible_now() && !c.form_submissions.is_empty())
        })
        .await
    );

    // What the dead worker did: claimed the signup, and HubSpot sent the email.
    let store = RedisStore::connect(&stack.app.config.redis).expect("store");
    let record = stack.app.signup_record(&signup_id).await.expect("record");
    assert!(
        store
            .signups()
            .submitted(
                &record,
                Duration::from_secs(3600),
                Duration::from_secs(3600)
            )
            .await
            .expect("reschedule"),
    );
    let send_id = SendId::verification(&signup_id);
    let client = HubSpotClient::new(HubSpotEndpoints {
        api_base_url: sim.base_url().parse().expect("url"),
        forms_base_url: sim.base_url().parse().expect("url"),
        access_token: ACCESS_TOKEN.to_owned().into(),
        timeout: Duration::from_secs(5),
        api_version: Default::default(),
        max_retry_wait: Duration::from_secs(60),
    })
    .expect("client");
    let send = SingleSend {
        email_id: EMAIL_ID,
        to: Email::parse(email).expect("email"),
        send_id: send_id.to_string(),
        custom_properties: Default::default(),
    };
    client.single_send(&send).await.expect("first send");

    // Its lease ends: the signup is due again and the live worker takes it.
    store
        .signups()
        .submitted(&record, Duration::from_secs(3600), Duration::ZERO)
        .await
        .expect("due now");
    let recorded = eventually(Duration::from_secs(10), || async {
        stack
            .app
            .signup_record(&signup_id)
            .await
            .is_some_and(|r| r.status == SignupStatus::Sent)
    })
    .await;
    assert!(recorded, "the live worker never recorded the send");
    let record = stack.app.signup_record(&signup_id).await.expect("record");
    let sent = record.send.expect("send record");
    assert_eq!(sent.send_result, "IDEMPOTENT_IGNORE");
    assert_eq!(sent.send_id, send_id.as_str());
    let requests: Vec<_> = sim.emails().into_iter().filter(|e| e.to == email).collect();
    assert_eq!(requests.len(), 2, "the repeat reached HubSpot");
    assert_eq!(
        requests.iter().filter(|e| e.sent).count(),
        1,
        "but only one email was sent"
    );
}

#[tokio::test]
async fn a_claimer_whose_lease_ran_out_cannot_write_the_outcome() {
    let stack = Stack::start(
        |_| {},
        |config| config.signup.first_check_grace = Duration::from_secs(3600),
    )
    .await;
    let response = stack
        .app
        .signup(&signup_body("fenced@example.com"), None)
        .await;
    let body: serde_json::Value = response.json().await.expect("json");
    let signup_id = body["signupId"].as_str().expect("signupId").to_owned();
    let store = RedisStore::connect(&stack.app.config.redis).expect("store");
    assert!(
        eventually(Duration::from_secs(10), || async {
            stack
                .app
                .signup_record(&signup_id)
                .await
                .is_some_and(|r| r.status == SignupStatus::Submitted)
        })
        .await
    );
    let record = stack.app.signup_record(&signup_id).await.expect("record");
    // No live worker from here on: the test claims by hand.
    stack.app.shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(100)).await;
    store
        .signups()
        .submitted(&record, Duration::from_secs(3600), Duration::ZERO)
        .await
        .expect("due now");
    let lease = Duration::from_millis(100);
    let first = store
        .checks()
        .claim(100, lease, "slow")
        .await
        .expect("claim");
    assert_eq!(first, vec![signup_id.clone()]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = store
        .checks()
        .claim(100, Duration::from_secs(3600), "fast")
        .await
        .expect("claim");
    assert_eq!(
        second,
        vec![signup_id.clone()],
        "the lease ran out: claimed again"
    );
    let mut late = record.clone();
    late.status = SignupStatus::DeadLettered;
    let finish = |token, record| Finish {
        signup_id: &signup_id,
        record: Some(record),
        token,
        end: CheckEnd::Final,
        ttl: Duration::from_secs(60),
        recheck: Duration::ZERO,
    };
    let written = store
        .checks()
        .finish(finish("slow", &late))
        .await
        .expect("finish");
    assert!(!written, "a lost claim writes nothing");
    let kept = stack.app.signup_record(&signup_id).await.expect("record");
    assert_eq!(
        kept.status,
        SignupStatus::Submitted,
        "the late writer wrote nothing"
    );
    assert!(
        store
            .checks()
            .finish(finish("fast", &record))
            .await
            .expect("finish")
    );
}

#[tokio::test]
async fn hubspot_429_and_5xx_bursts_still_give_exactly_one_email_each() {
    let stack = Stack::start(
        |sim| {
            sim.rate_limits.api = Some(RateLimit {
                max: 40,
                interval_ms: 100_000,
                daily: 1_000_000,
            });
            sim.faults = vec![
                FaultRule::rate_limited(Endpoint::CrmContact, 5),
                FaultRule::server_errors(Endpoint::LegacyProfile, 503, 5),
                FaultRule::server_errors(Endpoint::SingleSend, 500, 3),
                FaultRule::rate_limited(Endpoint::SingleSend, 3),
            ];
        },
        |config| {
            // Below the account's 40 per second, as an operator would set it.
            config.worker.api_quota = signup_reactor::store::Quota {
                max: 30,
                window: Duration::from_secs(1),
            };
        },
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
