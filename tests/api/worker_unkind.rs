//! The worker assumes only what HubSpot promises: a creation event (the
//! contact id alone) confirms a signup in the call that confirms its form; a
//! failure belongs to its call (a transient one is retried promptly without
//! charging the signups' own backoff, a 429 slows every replica, refused
//! credentials pause and resume without a dead letter); the email metrics
//! are recorded when Single Send accepts.

use std::time::Duration;

use hubspot_simulator::{Endpoint as FaultEndpoint, FaultRule};
use metrics_exporter_prometheus::PrometheusBuilder;
use signup_reactor::config::Config;
use signup_reactor::domain::ContactId;
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::store::{Limiter, RedisStore};
use signup_reactor::worker::{BatchReport, CheckOutcome, Reason, SignupChecker, WorkerContext};

use crate::support::stack::{eventually, signup_body, sim_config};
use crate::worker_driven::{Driven, batch, driven, driven_on};
use crate::worker_signups::signup_id;

/// A signup through the Forms API whose contact is readable with its
/// submission; its events are delivered but not consumed.
async fn readable_signup(d: &Driven, email: &str) -> (String, ContactId) {
    let id = signup_id(d.app.signup(&signup_body(email), None).await).await;
    let sim = &d.sim;
    assert!(
        eventually(Duration::from_secs(10), || async {
            sim.contact_by_email(email)
                .is_some_and(|c| c.visible_now() && !c.form_submissions.is_empty())
        })
        .await
    );
    let contact = sim.contact_by_email(email).expect("contact").id;
    (id, ContactId::new(contact).expect("id"))
}

fn always(rule: FaultRule) -> FaultRule {
    FaultRule {
        remaining: None,
        ..rule
    }
}

/// A simulator that announces a new contact by `contact.creation` alone, as
/// HubSpot may (no `email` change is promised at creation).
async fn creation_only() -> Driven {
    let mut sim = sim_config();
    sim.webhooks.property_events_at_creation = false;
    driven_on(sim, |_| {}).await
}

/// Consumes the contact's deliveries (all it will get: its creation).
async fn consume_creation(d: &Driven, contact: ContactId) {
    let sim = &d.sim;
    let events: Vec<String> = sim
        .events()
        .iter()
        .filter(|e| e.object_id == contact.get())
        .map(|e| e.subscription_type.clone())
        .collect();
    assert_eq!(events, vec!["contact.creation".to_owned()], "{events:?}");
    assert!(
        eventually(Duration::from_secs(10), || async {
            d.app.stream_contacts().await.contains(&contact.to_string())
        })
        .await,
        "the creation was delivered"
    );
    d.consume_all().await;
}

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
    let report = batch(&SignupChecker::new(d.ctx.clone())).await;
    assert_eq!(
        report.deferred,
        vec![(id.clone(), Reason::SendPending)],
        "{report:?}"
    );
    let sent: Vec<String> = d.sim.emails().into_iter().map(|e| e.to).collect();
    assert_eq!(sent, vec![email.to_owned()]);
    let record = d
        .store
        .signups()
        .load(&id)
        .await
        .expect("load")
        .expect("record");
    assert_eq!(record.contact_id, Some(contact));
}

#[tokio::test]
async fn a_transient_failure_does_not_push_the_batchs_backoff() {
    let d = driven().await;
    // A signup checked many times already: its own backoff is long.
    let mut record = d.record_only("patient@example.com").await;
    record.checks = 12;
    d.store
        .signups()
        .save(&record, Duration::from_secs(3600))
        .await
        .expect("save");
    d.sim.add_fault(FaultRule::server_errors(
        FaultEndpoint::CrmBatchRead,
        503,
        1,
    ));
    let checker = SignupChecker::new(d.ctx.clone());
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(record.signup_id.clone(), Reason::HubSpotFailing)],
        "{report:?}"
    );
    let stored = d
        .store
        .signups()
        .load(&record.signup_id)
        .await
        .expect("load")
        .expect("record");
    assert_eq!(
        stored.checks, 12,
        "the failure is the call's, not the signup's"
    );
    let due = d
        .store
        .checks()
        .due_at(&record.signup_id)
        .await
        .expect("due")
        .expect("queued");
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
    let report = batch(&SignupChecker::new(d.ctx.clone())).await;
    assert_eq!(
        report.deferred,
        vec![(record.signup_id.clone(), Reason::RateLimited)],
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
    let checker = SignupChecker::new(d.ctx.clone());
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(record.signup_id.clone(), Reason::CredentialsRefused)],
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
        vec![(record.signup_id.clone(), Reason::ContactNotReadable)],
        "{report:?}"
    );
    assert_eq!(d.ctx.health.paused_for(), None);
    assert!(
        d.store
            .dead_letters()
            .list(10)
            .await
            .expect("letters")
            .is_empty()
    );
}

/// One check step with a metrics recorder of its own (the process-wide one
/// also counts the other tests' sends), on a thread and runtime of its own.
async fn check_with_own_metrics(config: Config) -> (BatchReport, String) {
    tokio::task::spawn_blocking(move || {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let report = metrics::with_local_recorder(&recorder, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let store = RedisStore::connect(&config.redis).expect("store");
                let hubspot = HubSpotClient::new(config.hubspot_endpoints()).expect("client");
                let ctx = WorkerContext::for_config(&config, store, hubspot);
                match SignupChecker::new(ctx).process_next().await.expect("check") {
                    CheckOutcome::Batch(report) => report,
                    idle => panic!("nothing was due: {idle:?}"),
                }
            })
        });
        (report, handle.render())
    })
    .await
    .expect("check thread")
}

#[tokio::test]
async fn the_email_metrics_are_recorded_when_single_send_accepts() {
    let d = creation_only().await;
    let (id, contact) = readable_signup(&d, "accepted@example.com").await;
    consume_creation(&d, contact).await;
    d.make_due(&id).await;
    let (report, metrics) = check_with_own_metrics(d.app.config.clone()).await;
    // The simulator answers PENDING: the result is not known yet.
    assert_eq!(
        report.deferred,
        vec![(id, Reason::SendPending)],
        "{report:?}"
    );
    let count = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    assert_eq!(count("signup_to_email_seconds_count"), 1.0, "{metrics}");
    assert_eq!(count("emails_sent_total"), 1.0, "{metrics}");
    assert_eq!(count("send_result_lag_seconds_count"), 0.0, "{metrics}");
}
