//! Batches as they really come: a bad event among good ones, and generic
//! `object.*` events from a project app's subscriptions.

use serde_json::{Value, json};

use crate::support::app::{PORTAL_ID, TestApp};
use crate::support::metrics::series;
use crate::support::webhooks::creation;

fn generic(event_id: u64, subscription_type: &str, object_type: &str, object_id: u64) -> Value {
    json!({
        "eventId": event_id, "subscriptionId": 777, "portalId": PORTAL_ID, "appId": 54321,
        "occurredAt": 1_700_000_000_000u64 + event_id, "subscriptionType": subscription_type,
        "objectTypeId": object_type, "attemptNumber": 0, "objectId": object_id,
        "changeSource": "FORM"
    })
}

#[tokio::test]
async fn a_malformed_event_does_not_sink_its_batch() {
    let app = TestApp::spawn().await;
    let before = app.metrics_text().await;
    let key = "webhook_events_malformed_total{reason=\"object_id\"}";
    let batch = json!([
        creation(1, 100, 0),
        {"eventId": 2, "subscriptionType": "contact.creation", "portalId": PORTAL_ID, "objectId": 1.5},
        {"eventId": 3, "subscriptionType": "contact.creation", "portalId": PORTAL_ID,
         "objectId": 18_446_744_073_709_551_616.0_f64},
        {"eventId": 4, "subscriptionType": "contact.propertyChange", "portalId": PORTAL_ID, "objectId": 5},
        7,
        creation(5, 101, 0),
    ]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(app.stream_contacts_sorted().await, vec!["100", "101"]);
    let after = app.metrics_text().await;
    assert!(series(&after, key) >= series(&before, key) + 2.0, "{after}");
    assert!(after.contains("webhook_events_malformed_total{reason=\"property_name\"}"));
    assert!(after.contains("webhook_events_malformed_total{reason=\"not_an_event\"}"));
}

#[tokio::test]
async fn generic_contact_events_are_recorded_like_classic_ones() {
    let app = TestApp::spawn().await;
    let mut change = generic(2, "object.propertyChange", "0-1", 201);
    change["propertyName"] = json!("email");
    change["propertyValue"] = json!("ann@example.com");
    let batch = json!([generic(1, "object.creation", "0-1", 200), change]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(app.stream_contacts_sorted().await, vec!["200", "201"]);

    // The stream entry is the one a classic subscription produces.
    let mut entries = app.stream_entries().await;
    entries.sort_by_key(|entry| entry.get::<String>("contact"));
    let field = |entry: &redis::streams::StreamId, name: &str| {
        entry.get::<String>(name).unwrap_or_default()
    };
    assert_eq!(field(&entries[0], "type"), "contact.creation");
    assert_eq!(field(&entries[1], "type"), "contact.propertyChange");
    assert_eq!(field(&entries[1], "property"), "email");
    assert!(!field(&entries[1], "event").contains("ann@example.com"));

    // A redelivery (higher attemptNumber) is a duplicate, as for classic events.
    let mut retry = batch.clone();
    for event in retry.as_array_mut().into_iter().flatten() {
        event["attemptNumber"] = json!(3);
    }
    assert_eq!(app.post_webhook(&retry).await.status(), 204);
    assert_eq!(app.stream_len().await, 2);

    let text = app.metrics_text().await;
    assert!(
        text.contains(
            "webhook_events_received_total{subscription_type=\"object.creation\",style=\"generic\"}"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn generic_events_about_other_objects_are_counted_not_recorded() {
    let app = TestApp::spawn().await;
    let batch = json!([
        generic(1, "object.creation", "0-2", 300),
        generic(2, "object.propertyChange", "2-12345", 301),
        generic(3, "object.merge", "0-1", 302),
    ]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(app.stream_len().await, 0);
    let text = app.metrics_text().await;
    assert!(
        text.contains("webhook_events_ignored_total{reason=\"other_object_type\"}"),
        "{text}"
    );
}
