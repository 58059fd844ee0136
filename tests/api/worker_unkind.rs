//! The worker assumes only what HubSpot promises: a creation event (the
//! contact id alone) confirms a signup in the call that confirms its form; a
//! failure belongs to its call (a transient one is retried promptly without
//! charging the signups' own backoff, a 429 slows every replica, refused
//! credentials pause and resume without a dead letter); one malformed entry
//! of an answer affects its own signup only.

use std::time::Duration;

use hubspot_simulator::{Endpoint as FaultEndpoint, FaultRule};
use signup_reactor::domain::ContactId;
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::store::Limiter;
use signup_reactor::worker::{CheckOutcome, Reason, SignupChecker, WorkerContext};

use crate::support::driven::{batch, creation_only, driven};
use crate::support::driven_signups::{consume_creation, landed_signup, readable_signup};
use crate::support::records::dead_letters;
use crate::support::stack::always;
use crate::support::stub_http::StubHttp;

#[tokio::test]
async fn a_creation_event_alone_confirms_its_signup_in_one_profile_call() {
    let d = creation_only().await;
    let email = "created@example.com";
    let (id, contact) = readable_signup(&d, email).await;
    consume_creation(&d, contact).await;
    // No batch read by email can help: only the profile call by id can confirm.
    d.sim.add_fault(always(FaultRule::server_errors(
        FaultEndpoint::CrmBatchRead,
        500,
        1,
    )));
    d.make_due(&id).await;
    let report = batch(&d.checker()).await;
    assert_eq!(
        report.deferred,
        vec![(id.clone(), Reason::SendPending)],
        "{report:?}"
    );
    let sent = d.emails_requested();
    assert_eq!(sent, vec![email.to_owned()]);
    let record = d.record(&id).await;
    assert_eq!(record.contact_id, Some(contact));
}

#[tokio::test]
async fn a_transient_failure_does_not_push_the_batchs_backoff() {
    let d = driven().await;
    // A signup checked many times already: its own backoff is long.
    let mut record = d.record_only("patient@example.com").await;
    record.checks = 12;
    d.save(&record).await;
    d.sim.add_fault(FaultRule::server_errors(
        FaultEndpoint::CrmBatchRead,
        503,
        1,
    ));
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(record.signup_id.to_string(), Reason::HubSpotFailing)],
        "{report:?}"
    );
    let stored = d.record(&record.signup_id).await;
    assert_eq!(
        stored.checks, 12,
        "the failure is the call's, not the signup's"
    );
    let due = d.due_at(&record.signup_id).await;
    assert!(
        due <= signup_reactor::clock::now_ms() + 1_000,
        "the call is retried promptly"
    );
}

#[tokio::test]
async fn a_429_holds_the_shared_limiter_for_every_replica() {
    let d = driven().await;
    let record = d.record_only("slow-down@example.com").await;
    d.sim
        .add_fault(FaultRule::rate_limited(FaultEndpoint::CrmBatchRead, 1));
    let report = batch(&d.checker()).await;
    assert_eq!(
        report.deferred,
        vec![(record.signup_id.to_string(), Reason::RateLimited)],
        "{report:?}"
    );
    let free = d
        .store
        .rate_limits()
        .permits_free(Limiter::Api, d.ctx.settings.api_quota)
        .await
        .expect("free");
    assert_eq!(free, 0, "another replica's next call waits too");
}

#[tokio::test]
async fn refused_credentials_pause_the_checks_and_they_resume_without_dead_letters() {
    let d = driven().await;
    let record = d.record_only("refused@example.com").await;
    d.sim
        .add_fault(always(FaultRule::unauthorized(FaultEndpoint::All, 1)));
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(record.signup_id.to_string(), Reason::CredentialsRefused)],
        "{report:?}"
    );
    assert!(report.dead_lettered.is_empty());
    // Paused: the due signup waits for the probe, no call is made.
    d.make_due(&record.signup_id).await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(outcome, CheckOutcome::Idle { next_due: Some(wait) } if wait > Duration::ZERO),
        "{outcome:?}"
    );
    // The token works again: the probe goes through and checks resume.
    d.sim.set_faults(Vec::new());
    let pause = d.ctx.health.paused_for().expect("paused");
    tokio::time::sleep(pause + Duration::from_millis(50)).await;
    let report = batch(&checker).await;
    assert_eq!(
        report.waiting,
        vec![(record.signup_id.to_string(), Reason::ContactNotReadable)],
        "{report:?}"
    );
    assert_eq!(d.ctx.health.paused_for(), None);
    assert!(dead_letters(&d.store).await.is_empty());
}

#[tokio::test]
async fn a_malformed_profile_entry_affects_only_its_signup() {
    let d = driven().await;
    let mut ids = Vec::new();
    for (email, contact) in [("good@example.com", 101), ("bad@example.com", 102)] {
        let mut record = d.record_only(email).await;
        record.contact_id = Some(ContactId::new(contact).expect("id"));
        d.save(&record).await;
        ids.push(record.signup_id.to_string());
    }
    // HubSpot's answer: the second contact's submission has no `form-id`.
    let guid = &d.ctx.verification.form_guid;
    let body = serde_json::json!({
        "101": {"vid": 101, "properties": {"email": {"value": "good@example.com"}},
            "form-submissions": [{"form-id": guid, "timestamp": 4_102_444_800_000u64}]},
        "102": {"vid": 102, "properties": {"email": {"value": "bad@example.com"}},
            "form-submissions": [{"conversion-id": "c-1", "timestamp": 4_102_444_800_000u64}]}
    });
    let body: &'static str = Box::leak(body.to_string().into_boxed_str());
    let hubspot_api = StubHttp::start(200, "application/json", body);
    let config = d.app.config.clone();
    let mut endpoints = config.hubspot_endpoints();
    endpoints.api_base_url = hubspot_api.url.parse().expect("url");
    let hubspot = HubSpotClient::new(endpoints).expect("client");
    let ctx = WorkerContext::for_config(&config, d.store.clone(), hubspot);
    let report = batch(&SignupChecker::new(ctx)).await;
    // (Single Send, on the same stub, answers 2xx with a body it cannot read:
    // counted as sent.)
    assert_eq!(report.sent, vec![ids[0].clone()], "{report:?}");
    assert_eq!(
        report.waiting,
        vec![(ids[1].clone(), Reason::FormNotLanded)],
        "{report:?}"
    );
    assert!(report.dead_lettered.is_empty(), "{report:?}");
}

#[tokio::test]
async fn a_send_retried_after_a_failed_call_is_not_held_by_its_own_cooldown() {
    let d = driven().await;
    let email = "retried@example.com";
    let id = landed_signup(&d, email).await;
    d.sim
        .add_fault(FaultRule::server_errors(FaultEndpoint::SingleSend, 503, 1));
    d.make_due(&id).await;
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(id.clone(), Reason::HubSpotFailing)],
        "{report:?}"
    );
    d.make_due(&id).await;
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(id, Reason::SendPending)],
        "sent at the retry, not after CONTACT_SEND_COOLDOWN: {report:?}"
    );
    let sent = d.emails_requested();
    assert_eq!(sent, vec![email.to_owned()]);
}
