//! What a dead letter keeps: HubSpot's correlationId when HubSpot refused a
//! call, and a Forms dead letter's signup (its email, fields and context)
//! only for `SIGNUP_FINISHED_TTL`.

use std::collections::BTreeMap;
use std::time::Duration;

use signup_reactor::domain::SignupStatus;
use signup_reactor::store::{DeadLetter, DeadLetterSource, RedisStore};
use signup_reactor::worker::RetryOutcome;

use crate::support::binary::reactor_command;
use crate::support::records::{dead_letters, first_dead_letters};
use crate::support::retrying::retrying;
use crate::support::stack::{Stack, signup_body};

#[tokio::test]
async fn a_rejected_forms_retry_keeps_hubspots_correlation_id_and_the_signup_only_for_the_finished_ttl()
 {
    let r = retrying(|config| {
        config.signup.pending_ttl = Duration::from_secs(7 * 86_400);
        config.worker.finished_ttl = Duration::from_secs(600);
    })
    .await;
    let fields = BTreeMap::from([("not_a_form_field".to_owned(), "x".to_owned())]);
    let record = r.queued("rejected@example.com", fields).await;

    let outcome = r.retry.process_next().await.expect("step");

    assert!(
        matches!(&outcome, RetryOutcome::Batch(report) if report.dead_lettered == 1),
        "{outcome:?}"
    );
    let letters = dead_letters(&r.store).await;
    assert_eq!(letters.len(), 1);
    assert_eq!(
        letters[0].source,
        DeadLetterSource::Forms {
            signup_id: record.signup_id.to_string()
        }
    );
    assert!(
        letters[0].reason.contains("FIELD_NOT_IN_FORM_DEFINITION"),
        "{:?}",
        letters[0]
    );
    assert_correlation_id(&letters[0], "HubSpot's 400 carries a correlationId: ");
    let stored = r
        .store
        .signups()
        .load(&record.signup_id)
        .await
        .expect("load")
        .expect("kept for a replay");
    assert_eq!(stored.status, SignupStatus::DeadLettered);
    let mut conn = r.redis_conn().await;
    let pttl: i64 = redis::cmd("PTTL")
        .arg(r.store.keys().signup(&record.signup_id))
        .query_async(&mut conn)
        .await
        .expect("PTTL");
    assert!(
        pttl > 0 && pttl <= 600_000,
        "kept SIGNUP_FINISHED_TTL, not SIGNUP_PENDING_TTL: {pttl} ms"
    );
}

/// The dead letters, once the app wrote the first one.
async fn first_letters(stack: &Stack) -> Vec<DeadLetter> {
    let store = RedisStore::connect(&stack.app.config.redis).expect("store");
    first_dead_letters(&store, Duration::from_secs(30)).await
}

/// Asserts that HubSpot's correlationId of the refused call is kept.
fn assert_correlation_id(letter: &DeadLetter, why: &str) {
    assert!(
        letter
            .correlation_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "{why}{letter:?}"
    );
}

#[tokio::test]
async fn a_send_hubspot_refuses_keeps_its_correlation_id() {
    let stack = Stack::start(
        |sim| sim.email_ids = vec![crate::support::stack::EMAIL_ID],
        |config| config.hubspot.verification_email_id = 999,
    )
    .await;
    let response = stack
        .app
        .signup(&signup_body("refused@example.com"), None)
        .await;
    assert_eq!(response.status(), 202);
    let letters = first_letters(&stack).await;
    assert!(
        letters[0].reason.starts_with("Single Send refused"),
        "{:?}",
        letters[0]
    );
    assert_correlation_id(&letters[0], "");
    let listed = reactor_command(&stack.app, &["dead-letters", "list"]).await;
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(listed.contains("[correlationId "), "{listed}");
}

#[tokio::test]
async fn a_failure_send_result_is_a_dead_letter_and_counted_as_a_failed_email() {
    let stack = Stack::start(
        |sim| {
            sim.send_failures.blocked_addresses = vec!["blocked@example.com".to_owned()];
        },
        |_| {},
    )
    .await;
    let before = stack.app.metric("emails_failed_total").await;
    let response = stack
        .app
        .signup(&signup_body("blocked@example.com"), None)
        .await;
    assert_eq!(response.status(), 202);
    let letters = first_letters(&stack).await;
    assert!(
        letters[0].reason.contains("BLOCKED_ADDRESS"),
        "{:?}",
        letters[0]
    );
    // The process-wide recorder also counts other tests' sends: it rose.
    let after = stack.app.metric("emails_failed_total").await;
    assert!(
        after >= before + 1.0,
        "emails_failed_total {before} -> {after}"
    );
}
