//! A worker that lost its claim writes nothing that counts: one that died
//! after Single Send took the email but before recording it causes no second
//! email, and a claimer whose lease ran out cannot write the outcome.

use std::time::Duration;

use hubspot_simulator::DelayRange;
use signup_reactor::domain::{Email, SendId, SignupStatus};
use signup_reactor::hubspot::transactional::SingleSend;
use signup_reactor::hubspot::{HubSpotClient, HubSpotEndpoints};
use signup_reactor::store::{CheckEnd, Finish, RedisStore};

use crate::support::stack::{
    ACCESS_TOKEN, EMAIL_ID, Stack, eventually, signup_body, signup_id, wait_until_landed,
};

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
    let signup_id = signup_id(stack.app.signup(&signup_body(email), None).await).await;
    let sim = &stack.sim;
    wait_until_landed(sim, email).await;

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
    let signup_id = signup_id(response).await;
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
