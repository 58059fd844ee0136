//! Batches driven step by step: one claim, one batch read and one confirmation
//! for many signups; the confirmation strategies; replicas under one quota.

use std::time::Duration;

use serde_json::json;
use signup_reactor::domain::SignupStatus;
use signup_reactor::startup::Role;
use signup_reactor::worker::{CheckOutcome, Reason};

use crate::support::driven::driven;
use crate::support::records::dead_letters;
use crate::support::stack::{Stack, eventually, signup_body, signup_id, wait_until_landed};
use crate::support::webhooks::deletion;

#[tokio::test]
async fn one_batch_sends_exactly_the_ready_signups_and_a_deletion_ends_the_checks() {
    let d = driven().await;
    // Visible with its submission: a real signup through the Forms API.
    let ready = "ready@example.com";
    let ready_id = signup_id(d.app.signup(&signup_body(ready), None).await).await;
    // Imported: HubSpot has the contact, the reactor no signup.
    let imported = d.import("imported@example.com").await;
    // Not landed: the contact exists with an older submission only.
    d.import("notlanded@example.com").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let not_landed = d.record_only("notlanded@example.com").await;
    // Invisible: no contact with that address exists.
    let invisible = d.record_only("invisible@example.com").await;
    // Already sent: a finished signup left in the queue.
    let mut done = d.record_only("done@example.com").await;
    done.status = SignupStatus::Sent;
    d.save(&done).await;

    let sim = &d.sim;
    wait_until_landed(sim, ready).await;
    assert!(
        eventually(Duration::from_secs(10), || async {
            d.app.stream_len().await > 0
        })
        .await
    );
    d.consume_all().await;
    assert!(
        d.app
            .all_keys()
            .await
            .iter()
            .all(|k| !k.ends_with(&format!(":contact:{imported}"))),
        "the import left no state"
    );
    d.make_due(&ready_id).await;
    let checker = d.checker();
    let CheckOutcome::Batch(report) = checker.process_next().await.expect("check") else {
        panic!("nothing was due");
    };
    assert_eq!(report.claimed, 4, "{report:?}");
    // HubSpot answers PENDING: the email is requested, its status followed up.
    assert_eq!(
        report.deferred,
        vec![(ready_id.clone(), Reason::SendPending)],
        "{report:?}"
    );
    assert!(report.sent.is_empty(), "{report:?}");
    let mut waiting = report.waiting.clone();
    waiting.sort();
    let mut expected = vec![
        (not_landed.signup_id.to_string(), Reason::FormNotLanded),
        (invisible.signup_id.to_string(), Reason::ContactNotReadable),
        (done.signup_id.to_string(), Reason::Finished),
    ];
    expected.sort();
    assert_eq!(waiting, expected);
    let emails = d.emails_requested();
    assert_eq!(
        emails,
        vec![ready.to_owned()],
        "exactly the ready signup's email"
    );

    // The not-landed signup's contact is deleted: its checks end.
    let contact = d
        .record(&not_landed.signup_id)
        .await
        .contact_id
        .expect("contact seen");
    let deletion = json!([deletion(77, contact.get())]);
    assert_eq!(d.app.post_webhook(&deletion).await.status(), 204);
    d.consume_all().await;
    d.make_due(&not_landed.signup_id).await;
    let CheckOutcome::Batch(report) = checker.process_next().await.expect("check") else {
        panic!("the deletion woke nothing");
    };
    assert_eq!(
        report.dead_lettered,
        vec![(
            not_landed.signup_id.to_string(),
            "contact deleted".to_owned()
        )]
    );
    let letters = dead_letters(&d.store).await;
    assert!(
        letters
            .iter()
            .any(|l| matches!(&l.source, signup_reactor::store::DeadLetterSource::Check { signup_id, .. } if *signup_id == not_landed.signup_id)
                && l.reason == "contact deleted")
    );
}

#[tokio::test]
async fn the_property_strategy_confirms_from_the_batch_read_alone() {
    let stack = Stack::start(
        |_| {},
        |config| {
            config.worker.form_confirmation = signup_reactor::config::FormConfirmation::Property;
        },
    )
    .await;
    let emails: Vec<String> = (0..10).map(|i| format!("prop{i}@example.com")).collect();
    stack.sign_up_all(&emails).await;
    stack.expect_emails(&emails, Duration::from_secs(30)).await;
    for email in &emails {
        let record = stack.sim.emails().into_iter().find(|e| &e.to == email);
        assert!(record.is_some_and(|r| r.contact_visible && !r.created_contact));
    }
}

#[tokio::test]
async fn three_replicas_batching_at_once_stay_under_the_quota() {
    // HubSpot allows 40 calls per 10 s: far fewer than the checks want. The
    // reactors take 32, under the account's limit, as the README advises: a
    // call reaches HubSpot a moment after its permit.
    let stack = Stack::under_api_quota(
        40,
        32,
        Duration::from_secs(10),
        |_| {},
        |config| config.worker.check_batch_size = 10,
    )
    .await;
    let quota = stack.app.config.worker.api_quota;
    let mut replicas = Vec::new();
    for _ in 0..2 {
        replicas.push(
            stack
                .replica(Role::All, |config| {
                    config.worker.api_quota = quota;
                    config.worker.check_batch_size = 10;
                })
                .await,
        );
    }
    let emails: Vec<String> = (0..60).map(|i| format!("replica{i}@example.com")).collect();
    for (i, email) in emails.iter().enumerate() {
        let app = match i % 3 {
            0 => &stack.app,
            n => &replicas[n - 1],
        };
        assert_eq!(app.signup(&signup_body(email), None).await.status(), 202);
    }
    stack.expect_emails(&emails, Duration::from_secs(90)).await;
    assert_eq!(
        stack.sim.stats().quota_rejections,
        0,
        "HubSpot never had to refuse a call"
    );
    let sent = crate::support::stack::sent_per_recipient(&stack.sim);
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
}
