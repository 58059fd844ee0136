//! What HubSpot does not promise, on demand: a form's new contact announced by
//! `contact.creation` alone (later email changes still raise their event), and
//! a delivery forced to arrive before reads see the contact, with the moment
//! each submission became readable recorded.

use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{DelayRange, DeliveryOutcome};
use serde_json::json;

use crate::receiver::Receiver;
use crate::support::{self, HUTK};

#[tokio::test]
async fn a_creation_is_announced_by_its_id_alone_while_a_later_email_change_raises_its_event() {
    let receiver = Receiver::ok().await;
    let mut config = support::fast_config();
    config.webhooks.target_url = Some(receiver.url.clone());
    config.webhooks.property_events_at_creation = false;
    let sim = support::start(config).await;
    let body = support::signup_body("quiet@example.com", Some(HUTK));
    assert_eq!(support::submit(&sim, &body).await.status(), 200);
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let contact = sim.contact_by_email("quiet@example.com").expect("contact");
    let events = receiver.all_events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["subscriptionType"], "contact.creation");
    assert_eq!(events[0]["objectId"], contact.id);
    assert!(events[0].get("propertyName").is_none());

    // An edit in HubSpot's interface changes the email: that event comes.
    let url = format!("{}/_sim/contacts/{}/properties", sim.base_url(), contact.id);
    let edit = json!({ "email": "Loud@Example.com", "firstname": "Ann" });
    let response = support::client().post(url).json(&edit).send().await;
    assert_eq!(response.expect("edit").status(), 200);
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let events = receiver.all_events();
    let changes: Vec<_> = events
        .iter()
        .filter(|e| e["subscriptionType"] == "contact.propertyChange")
        .collect();
    assert_eq!(changes.len(), 1, "firstname did not change: {events:?}");
    assert_eq!(changes[0]["propertyName"], "email");
    assert_eq!(changes[0]["propertyValue"], "loud@example.com");
    assert_eq!(changes[0]["objectId"], contact.id);
    assert_eq!(
        sim.contact_by_email("loud@example.com").map(|c| c.id),
        Some(contact.id)
    );
    assert!(sim.contact_by_email("quiet@example.com").is_none());
    sim.stop().await;
}

#[tokio::test]
async fn a_delivery_forced_first_arrives_while_every_read_misses_the_contact() {
    // The receiver holds each delivery 300 ms before answering.
    let receiver = Receiver::start(Arc::new(|_| (200, Duration::from_millis(300)))).await;
    let mut config = support::fast_config();
    config.webhooks.target_url = Some(receiver.url.clone());
    config.webhooks.dispatch_delay = DelayRange::fixed(0);
    config.read_lag_after_delivery = Some(DelayRange::fixed(50_000)); // 0.5 s scaled
    let sim = support::start(config).await;
    let body = support::signup_body("late@example.com", Some(HUTK));
    assert_eq!(support::submit(&sim, &body).await.status(), 200);
    let contact = support::eventually(Duration::from_secs(10), || {
        sim.contact_by_email("late@example.com")
    })
    .await
    .expect("processed");
    let id = contact.id.to_string();
    support::eventually(Duration::from_secs(10), || {
        (!receiver.requests().is_empty()).then_some(())
    })
    .await
    .expect("delivery started");
    assert_eq!(
        support::get_contact(&sim, &id).await.status(),
        404,
        "delivered, not readable"
    );
    let batch_url = format!(
        "{}/contacts/v1/contact/vids/batch/?vid={id}",
        sim.base_url()
    );
    let batch: serde_json::Value = support::client()
        .get(batch_url)
        .bearer_auth(support::TOKEN)
        .send()
        .await
        .expect("profiles")
        .json()
        .await
        .expect("json");
    assert_eq!(batch, json!({}), "the legacy batch leaves it out too");
    assert_eq!(sim.submissions()[0].readable_at, None);

    let delivered = support::eventually(Duration::from_secs(10), || {
        sim.deliveries()
            .into_iter()
            .find(|d| d.outcome == DeliveryOutcome::Delivered)
    })
    .await
    .expect("delivered");
    let finished = delivered.finished_at.expect("finished");
    let submission = sim.submissions()[0].clone();
    assert_eq!(submission.readable_at, Some(finished + 500));
    let readable = support::eventually(Duration::from_secs(10), || {
        sim.contact_by_email("late@example.com")
            .filter(|c| c.visible_now())
    })
    .await;
    assert!(readable.is_some());
    assert_eq!(support::get_contact(&sim, &id).await.status(), 200);
    sim.stop().await;
}

#[tokio::test]
async fn each_submission_records_when_its_contact_became_readable_with_it() {
    let mut config = support::fast_config();
    config.visibility_lag = DelayRange::fixed(20_000); // 0.2 s scaled
    let sim = support::start(config).await;
    for _ in 0..2 {
        let body = support::signup_body("twice@example.com", Some(HUTK));
        assert_eq!(support::submit(&sim, &body).await.status(), 200);
    }
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let contact = sim.contact_by_email("twice@example.com").expect("contact");
    for submission in sim.submissions() {
        let processed = submission.processed_at.expect("processed");
        let readable = submission.readable_at.expect("readable");
        assert_eq!(
            readable,
            processed.max(contact.visible_at),
            "{submission:?}"
        );
    }
    sim.stop().await;
}
