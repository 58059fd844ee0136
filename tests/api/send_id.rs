//! The verification email's sendId derives from the signup alone, and a
//! record that already holds one keeps it: a re-send of one signup never
//! becomes a second email, whatever its contact turned out to be.

use std::time::Duration;

use signup_reactor::domain::{ContactId, SendRecord, SignupStatus};
use signup_reactor::store::RedisStore;

use crate::support::records::signup_record;
use crate::support::stack::{Stack, eventually, post_form_entry, signup_body};

const TTL: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn the_send_id_is_derived_from_the_signup_id_alone() {
    let stack = Stack::default_stack().await;
    let email = "sendid@example.com";
    let response = stack.app.signup(&signup_body(email), None).await;
    assert_eq!(response.status(), 202);
    let json: serde_json::Value = response.json().await.expect("json");
    let signup_id = json["signupId"].as_str().expect("signupId").to_owned();
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let sent = stack.sim.emails();
    let record = sent.iter().find(|e| e.to == email).expect("email");
    assert_eq!(
        record.send_id.as_deref(),
        Some(format!("sr-verify-{signup_id}").as_str())
    );
}

#[tokio::test]
async fn a_record_that_holds_a_send_id_is_sent_again_under_it() {
    let stack = Stack::default_stack().await;
    let email = "held@example.com";
    let store = RedisStore::connect(&stack.app.config.redis).expect("store");
    let now = signup_reactor::clock::now_ms();
    // A signup whose earlier send attempt (by an earlier version, with its
    // contact at the time) holds a sendId of another derivation.
    let mut record = signup_record(email, now);
    post_form_entry(&stack.sim, email).await;
    assert!(
        eventually(Duration::from_secs(10), || async {
            stack.sim.contact_by_email(email).is_some()
        })
        .await
    );
    let contact = stack.sim.contact_by_email(email).expect("contact");
    let held = format!("sr-verify-62515-1-4242-{}", record.signup_id);
    record.status = SignupStatus::Submitted;
    record.contact_id = ContactId::new(contact.id).ok();
    record.waiting_since = Some(now);
    record.send = Some(SendRecord {
        send_id: held.clone(),
        status_id: "earlier".to_owned(),
        send_result: "THROTTLED".to_owned(),
        sent_at: now,
        status_reads: 0,
    });
    store.signups().create(&record, TTL).await.expect("create");
    assert!(
        store
            .signups()
            .submitted(&record, TTL, Duration::ZERO)
            .await
            .expect("queued for its check")
    );
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let sent: Vec<_> = stack
        .sim
        .emails()
        .into_iter()
        .filter(|e| e.to == email)
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].send_id.as_deref(), Some(held.as_str()));
}
