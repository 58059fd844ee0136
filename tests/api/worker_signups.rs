//! The signup as the unit of work: each signup its own record and its own
//! email, events only as hints, batches, and quota only where it counts.

use std::time::Duration;

use hubspot_simulator::{DelayRange, SimulatorHandle};
use serde_json::json;
use signup_reactor::domain::SignupStatus;
use signup_reactor::store::Quota;

use crate::support::stack::{Stack, eventually, signup_body, signup_id};
use crate::support::webhooks::creation;

fn sent_to(sim: &SimulatorHandle, email: &str) -> Vec<hubspot_simulator::EmailRecord> {
    sim.emails()
        .into_iter()
        .filter(|e| e.to == email && e.sent)
        .collect()
}

#[tokio::test]
async fn a_rejected_second_signup_for_the_same_address_leaves_the_first_its_email() {
    let stack = Stack::default_stack().await;
    let email = "twice@example.com";
    let first = signup_id(stack.app.signup(&signup_body(email), None).await).await;
    let mut hostile = signup_body(email);
    hostile["fields"]["not_a_form_field"] = json!("x");
    let response = stack.app.signup(&hostile, None).await;
    assert_eq!(response.status(), 422, "HubSpot rejects the unknown field");
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let sent = eventually(Duration::from_secs(10), || async {
        stack
            .app
            .signup_record(&first)
            .await
            .is_some_and(|r| r.status == SignupStatus::Sent)
    })
    .await;
    assert!(sent, "the first signup is recorded as sent");
    assert_eq!(sent_to(&stack.sim, email).len(), 1);
}

#[tokio::test]
async fn a_second_signup_for_the_same_address_gets_its_own_email() {
    let stack = Stack::default_stack().await;
    let email = "again@example.com";
    let first = signup_id(stack.app.signup(&signup_body(email), None).await).await;
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let mut body = signup_body(email);
    body["emailCustomProperties"]["verify_url"] = json!("https://app.example.com/verify?again");
    let second = signup_id(stack.app.signup(&body, None).await).await;
    let both = eventually(Duration::from_secs(20), || async {
        sent_to(&stack.sim, email).len() == 2
    })
    .await;
    assert!(both, "the second signup got no email");
    let emails = sent_to(&stack.sim, email);
    let send_ids: Vec<String> = emails.iter().filter_map(|e| e.send_id.clone()).collect();
    assert!(send_ids[0].ends_with(&first), "{send_ids:?}");
    assert!(send_ids[1].ends_with(&second), "{send_ids:?}");
    assert_eq!(
        emails[1].custom_properties["verify_url"], "https://app.example.com/verify?again",
        "each signup sends its own customProperties"
    );
}

#[tokio::test]
async fn repeated_signups_for_one_contact_are_spaced_by_the_cooldown() {
    let cooldown = Duration::from_millis(1_500);
    let stack = Stack::start(|_| {}, |config| config.worker.send_cooldown = cooldown).await;
    let email = "cannon@example.com";
    for _ in 0..3 {
        signup_id(stack.app.signup(&signup_body(email), None).await).await;
    }
    let all = eventually(Duration::from_secs(30), || async {
        sent_to(&stack.sim, email).len() == 3
    })
    .await;
    assert!(all, "every signup gets its email in the end");
    let mut times: Vec<u64> = sent_to(&stack.sim, email)
        .iter()
        .map(|e| e.requested_at)
        .collect();
    times.sort_unstable();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= 1_400,
            "two emails to one contact within the cooldown: {times:?}"
        );
    }
}

#[tokio::test]
async fn a_signup_queued_for_the_forms_api_is_not_emailed_on_an_older_submission() {
    let stack = Stack::start(
        |_| {},
        |config| {
            config.worker.form_clock_skew = Duration::ZERO;
            // One Forms call per 2 s: the second signup waits in the retry queue.
            config.signup.forms_quota = Quota {
                max: 1,
                window: Duration::from_secs(2),
            };
        },
    )
    .await;
    let email = "older@example.com";
    signup_id(stack.app.signup(&signup_body(email), None).await).await;
    let response = stack.app.signup(&signup_body(email), None).await;
    assert_eq!(response.status(), 202);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "queued");
    let both = eventually(Duration::from_secs(30), || async {
        sent_to(&stack.sim, email).len() == 2
    })
    .await;
    assert!(both, "both signups get their email");
    let mut processed: Vec<u64> = stack
        .sim
        .submissions()
        .iter()
        .filter(|s| s.email.as_deref() == Some(email))
        .filter_map(|s| s.processed_at)
        .collect();
    processed.sort_unstable();
    assert_eq!(processed.len(), 2, "both submissions reached the contact");
    let mut emailed: Vec<u64> = sent_to(&stack.sim, email)
        .iter()
        .map(|e| e.requested_at)
        .collect();
    emailed.sort_unstable();
    assert!(
        emailed[1] >= processed[1],
        "the queued signup was emailed before its own submission landed: {emailed:?} {processed:?}"
    );
}

#[tokio::test]
async fn events_of_contacts_without_signups_write_nothing_and_delay_no_signup() {
    let stack = Stack::default_stack().await;
    let batch: Vec<serde_json::Value> = (0..500)
        .map(|i| creation(10_000 + i, 900_000 + i, 0))
        .collect();
    for chunk in batch.chunks(100) {
        let response = stack.app.post_webhook(&json!(chunk)).await;
        assert_eq!(response.status(), 204);
    }
    let email = "real@example.com";
    signup_id(stack.app.signup(&signup_body(email), None).await).await;
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let drained = eventually(Duration::from_secs(20), || async {
        stack.app.stream_len().await == 0
    })
    .await;
    assert!(drained, "the events were consumed");
    let state: Vec<String> = stack
        .app
        .all_keys()
        .await
        .into_iter()
        .filter(|k| k.contains(":contact:9") || k.contains(":deleted:"))
        .collect();
    assert!(state.is_empty(), "state kept for non-signups: {state:?}");
}

#[tokio::test]
async fn single_send_takes_no_api_permits() {
    let stack = Stack::start(
        |sim| {
            sim.processing_delay = DelayRange::fixed(100);
            sim.visibility_lag = DelayRange::fixed(0);
        },
        |config| {
            config.signup.first_check_grace = Duration::from_secs(1);
            // Exactly what one check needs: the contact read and its profile.
            config.worker.api_quota = Quota {
                max: 2,
                window: Duration::from_secs(3600),
            };
        },
    )
    .await;
    let email = "nopermit@example.com";
    signup_id(stack.app.signup(&signup_body(email), None).await).await;
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let mut conn = stack.app.redis_conn().await;
    // Permits are `<reservation>:<index>`: the check reserved what its
    // calls needed (the profile, and the read unless an event named the
    // contact first) in one reservation; Single Send reserved nothing.
    let permits: Vec<String> = redis::cmd("ZRANGE")
        .arg(format!("{}ratelimit:api", stack.app.prefix))
        .arg(0)
        .arg(-1)
        .query_async(&mut conn)
        .await
        .expect("ZRANGE");
    let reservations: std::collections::BTreeSet<&str> =
        permits.iter().filter_map(|p| p.split(':').next()).collect();
    assert_eq!(
        reservations.len(),
        1,
        "one reservation, the check's: {permits:?}"
    );
}
