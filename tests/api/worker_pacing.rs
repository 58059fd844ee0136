//! What a check costs under HubSpot's quota: a contact named by an event is
//! confirmed by its profile alone, a stale hint is dropped, due signups
//! linger to share a batch only while the quota is scarce, and send status
//! reads take only spare quota.

use std::time::Duration;

use hubspot_simulator::{Endpoint as FaultEndpoint, FaultRule};
use signup_reactor::domain::ContactId;
use signup_reactor::worker::{CheckOutcome, Reason};

use crate::support::driven::{batch, driven, driven_with};
use crate::support::driven_signups::{fingerprint, landed_signup, use_most_of_the_quota};
use crate::support::stack::always;

#[tokio::test]
async fn a_contact_named_by_an_event_is_confirmed_by_its_profile_alone() {
    let d = driven().await;
    let email = "hinted@example.com";
    let id = landed_signup(&d, email).await;
    let contact = d.sim.contact_by_email(email).expect("contact").id;
    let hints = d
        .store
        .checks()
        .contact_hints(&[fingerprint(email)])
        .await
        .expect("hints");
    assert_eq!(hints, vec![Some(ContactId::new(contact).expect("id"))]);

    // From now on every batch read fails: only a check that makes none sends.
    d.sim.add_fault(always(FaultRule::server_errors(
        FaultEndpoint::CrmBatchRead,
        500,
        1,
    )));
    d.make_due(&id).await;
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(id.clone(), Reason::SendPending)],
        "{report:?}"
    );
    let sent = d.emails_requested();
    assert_eq!(sent, vec![email.to_owned()]);

    // A signup no event named needs the batch read, which fails.
    let unnamed = d.record_only("unnamed@example.com").await;
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(unnamed.signup_id.to_string(), Reason::HubSpotFailing)],
        "{report:?}"
    );
}

#[tokio::test]
async fn a_hint_naming_a_contact_with_another_address_is_dropped() {
    let d = driven().await;
    let owner = d.import("owner@example.com").await;
    let record = d.record_only("moved@example.com").await;
    // An event said the contact had this address; it has another one now.
    // (The signup is due already: the event wakes nothing, it leaves a hint.)
    d.name_contact(owner, "moved@example.com").await;
    let fp = fingerprint("moved@example.com");
    assert!(
        d.store
            .checks()
            .contact_hints(std::slice::from_ref(&fp))
            .await
            .expect("hints")[0]
            .is_some()
    );

    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(
        report.waiting,
        vec![(record.signup_id.to_string(), Reason::ContactNotReadable)],
        "{report:?}"
    );
    assert!(
        d.sim.emails().is_empty(),
        "no email to another address's contact"
    );
    assert_eq!(
        d.store.checks().contact_hints(&[fp]).await.expect("hints"),
        vec![None],
        "the stale hint is gone"
    );
    let stored = d.record(&record.signup_id).await;
    assert_eq!(stored.contact_id, None);
}

#[tokio::test]
async fn due_signups_linger_to_share_a_batch_only_while_the_quota_is_scarce() {
    let d = driven_with(|config| {
        config.worker.check_linger = Duration::from_secs(30);
        config.worker.check_batch_size = 3;
    })
    .await;
    let checker = d.checker();
    // Plentiful: a lone due signup is checked at once.
    d.record_only("alone@example.com").await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(&outcome, CheckOutcome::Batch(r) if r.claimed == 1),
        "{outcome:?}"
    );

    // Scarce: a due signup waits for others, up to CHECK_LINGER.
    use_most_of_the_quota(&d).await;
    d.record_only("first@example.com").await;
    let outcome = checker.process_next().await.expect("check");
    let CheckOutcome::Idle {
        next_due: Some(wait),
    } = outcome
    else {
        panic!("expected the signup to linger: {outcome:?}");
    };
    assert!(
        wait > Duration::from_secs(20) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    // A full batch goes at once.
    d.record_only("second@example.com").await;
    d.record_only("third@example.com").await;
    let outcome = checker.process_next().await.expect("check");
    assert!(
        matches!(&outcome, CheckOutcome::Batch(r) if r.claimed == 3),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn under_a_scarce_quota_young_unnamed_signups_are_looked_up_not_held() {
    let d = driven_with(|config| config.worker.check_linger = Duration::ZERO).await;
    let named = landed_signup(&d, "named@example.com").await;
    let unnamed = d.record_only("unnamed@example.com").await;
    use_most_of_the_quota(&d).await;
    d.make_due(&named).await;
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(report.claimed, 2, "{report:?}");
    assert_eq!(
        report.deferred,
        vec![(named.clone(), Reason::SendPending)],
        "the signup its event named is confirmed and sent"
    );
    // No event is promised for it: it is looked up in the same check, and
    // (HubSpot has no such contact) looked up again on the next lookup tick
    // (every other `FIRST_CHECK_GRACE` while the quota is scarce), unless a
    // creation event wakes it first.
    assert_eq!(
        report.waiting,
        vec![(unnamed.signup_id.to_string(), Reason::ContactNotReadable)],
    );
    let due = d.due_at(&unnamed.signup_id).await;
    let tick = 2 * d.ctx.settings.early_check_interval.as_millis() as u64;
    assert!(
        due <= signup_reactor::clock::now_ms() + tick,
        "looked up again on the next tick, not after an event window"
    );
}

#[tokio::test]
async fn a_named_contact_not_visible_yet_is_checked_again_soon() {
    let d = driven().await;
    // A signup checked many times already: its backoff is long.
    let mut record = d.record_only("lagging@example.com").await;
    record.checks = 8;
    d.save(&record).await;
    // An event named its contact, which HubSpot does not show yet.
    d.name_contact(987_654_321, "lagging@example.com").await;
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(
        report.waiting,
        vec![(record.signup_id.to_string(), Reason::ContactNotReadable)]
    );
    let due = d.due_at(&record.signup_id).await;
    let first_step = d.ctx.settings.retry_base_delay.as_millis() as u64;
    let long = d.ctx.backoff().delay(9).as_millis() as u64;
    assert!(first_step < long / 2, "the test needs a long backoff");
    assert!(
        due <= signup_reactor::clock::now_ms() + first_step,
        "checked again after the first backoff step, not the ninth"
    );
}
