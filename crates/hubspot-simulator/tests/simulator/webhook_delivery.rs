//! Webhook delivery: event content, batching, delivery ahead of visibility,
//! duplicates and reordering, the target and the event style.

use std::collections::HashMap;
use std::time::Duration;

use hubspot_simulator::DelayRange;
use serde_json::{Value, json};

use crate::receiver::Receiver;
use crate::support;

#[tokio::test]
async fn a_new_contact_raises_creation_and_property_changes_before_it_is_visible() {
    let receiver = Receiver::ok().await;
    let mut config = support::delivering_to(&receiver);
    config.visibility_lag = DelayRange::fixed(100_000); // 1 s scaled
    config.webhooks.dispatch_delay = DelayRange::fixed(0);
    let sim = support::start(config).await;
    support::submit_signups(&sim, 1, "hook").await;
    let arrived = support::eventually(Duration::from_secs(5), || {
        let events = receiver.all_events();
        (events.len() >= 3).then_some(events)
    })
    .await
    .expect("events delivered");
    let contact = sim.contact_by_email("hook0@example.com").expect("contact");
    assert!(
        !contact.visible_now(),
        "delivered while the CRM cannot see the contact yet"
    );
    assert_eq!(
        support::get_contact(&sim, &contact.id.to_string())
            .await
            .status(),
        404
    );

    let kinds: Vec<&str> = arrived
        .iter()
        .filter_map(|e| e["subscriptionType"].as_str())
        .collect();
    assert!(kinds.contains(&"contact.creation"));
    let creation = arrived
        .iter()
        .find(|e| e["subscriptionType"] == "contact.creation")
        .unwrap();
    for field in [
        "eventId",
        "subscriptionId",
        "portalId",
        "appId",
        "occurredAt",
        "attemptNumber",
        "objectId",
    ] {
        assert!(creation[field].is_u64(), "{field} in {creation}");
    }
    assert_eq!(creation["objectId"].as_u64(), Some(contact.id));
    assert_eq!(creation["changeFlag"], "NEW");
    assert_eq!(creation["attemptNumber"], 0);
    let email_change = arrived
        .iter()
        .find(|e| e["propertyName"] == "email")
        .expect("email propertyChange");
    assert_eq!(email_change["subscriptionType"], "contact.propertyChange");
    assert_eq!(email_change["propertyValue"], "hook0@example.com");
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    sim.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn batches_hold_at_most_the_configured_number_of_events() {
    let receiver = Receiver::ok().await;
    let mut config = support::delivering_to(&receiver);
    config.processing_delay = DelayRange::fixed(1_000);
    config.webhooks.dispatch_delay = DelayRange::fixed(2_000);
    config.webhooks.max_batch_size = 4;
    let sim = support::start(config).await;
    support::submit_signups(&sim, 6, "batch").await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let sizes: Vec<usize> = receiver
        .requests()
        .iter()
        .map(|r| r.events().len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), sim.events().len());
    assert!(sizes.iter().all(|&n| (1..=4).contains(&n)), "{sizes:?}");
    assert!(
        sizes.iter().any(|&n| n > 1),
        "events ready together share a request: {sizes:?}"
    );
    sim.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn duplicates_and_reordering_happen_at_the_configured_rates() {
    let receiver = Receiver::ok().await;
    let mut config = support::delivering_to(&receiver);
    config.rng_seed = Some(11);
    config.processing_delay = DelayRange::ms(0, 20_000);
    config.webhooks.max_batch_size = 1;
    config.webhooks.subscribed_properties.clear();
    config.webhooks.duplicate_probability = 0.3;
    config.webhooks.reorder_probability = 0.2;
    config.webhooks.reorder_delay_ms = 30_000;
    config.rate_limits.forms = None;
    let sim = support::start(config).await;
    support::submit_signups(&sim, 150, "rate").await;
    assert!(sim.wait_idle(Duration::from_secs(30)).await);

    let events = sim.events();
    assert_eq!(events.len(), 150);
    let held = sim.held_back_events().len();
    assert!(
        (15..=50).contains(&held),
        "20% of 150 held back, got {held}"
    );
    let duplicates = sim.deliveries().iter().filter(|d| d.duplicate).count();
    assert!(
        (25..=70).contains(&duplicates),
        "30% of 150 duplicated, got {duplicates}"
    );

    let received = receiver.all_events();
    assert_eq!(received.len(), 150 + duplicates);
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for event in &received {
        *seen.entry(event["eventId"].as_u64().unwrap()).or_default() += 1;
    }
    assert_eq!(seen.len(), 150, "every event arrived");
    let occurred: Vec<u64> = received
        .iter()
        .map(|e| e["occurredAt"].as_u64().unwrap())
        .collect();
    let inversions = occurred.windows(2).filter(|w| w[1] < w[0]).count();
    assert!(inversions > 0, "some events arrive after later ones");
    sim.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn the_target_can_change_at_runtime_over_http() {
    let first = Receiver::ok().await;
    let second = Receiver::ok().await;
    let sim = support::start(support::delivering_to(&first)).await;
    support::submit_signups(&sim, 1, "first").await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let url = format!("{}/_sim/webhook-target", sim.base_url());
    let response = support::client()
        .put(&url)
        .json(&json!({ "targetUrl": second.url }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    support::submit_signups(&sim, 1, "second").await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let emails = |r: &Receiver| -> Vec<String> {
        r.all_events()
            .iter()
            .filter_map(|e| e["propertyValue"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(emails(&first).contains(&"first0@example.com".to_owned()));
    assert!(!emails(&first).contains(&"second0@example.com".to_owned()));
    assert!(emails(&second).contains(&"second0@example.com".to_owned()));
    sim.stop().await;
    first.stop().await;
    second.stop().await;
}

#[tokio::test]
async fn mixed_style_delivers_half_the_contacts_as_generic_events() {
    let receiver = Receiver::ok().await;
    let mut config = support::delivering_to(&receiver);
    config.webhooks.style = hubspot_simulator::EventStyle::Mixed;
    let sim = support::start(config).await;
    support::submit_signups(&sim, 4, "mixed").await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let events = receiver.all_events();
    let creations: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["subscriptionType"] == "contact.creation"
                || e["subscriptionType"] == "object.creation"
        })
        .collect();
    assert_eq!(creations.len(), 4);
    let generic = creations
        .iter()
        .filter(|e| e["subscriptionType"] == "object.creation")
        .count();
    assert_eq!(generic, 2, "{creations:?}");
    for event in &events {
        let is_generic = event["subscriptionType"]
            .as_str()
            .is_some_and(|t| t.starts_with("object."));
        assert_eq!(is_generic, event["objectTypeId"] == "0-1", "{event}");
    }
    sim.stop().await;
}
