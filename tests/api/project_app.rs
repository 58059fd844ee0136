//! The HubSpot project app in `deploy/hubspot/` against the running receiver:
//! every event its subscriptions make HubSpot deliver, signed over its target
//! URL, is recorded when `WEBHOOK_PUBLIC_URL` is that URL.

use serde_json::{Value, json};
use signup_reactor::webhook::signature::sign_v3;

use crate::support::app::{CLIENT_SECRET, PORTAL_ID, TestApp};
use crate::support::webhooks::now_ms;

fn webhooks_file() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/hubspot/src/app/webhooks/webhooks-hsmeta.json"
    );
    let text = std::fs::read_to_string(path).expect("read webhooks-hsmeta.json");
    serde_json::from_str(&text).expect("webhooks-hsmeta.json is JSON")
}

/// The event HubSpot delivers for one subscription of the file, about `contact`.
fn event_for(group: &str, subscription: &Value, event_id: u64, contact: u64) -> Value {
    let subscription_type = subscription["subscriptionType"]
        .as_str()
        .expect("subscriptionType");
    let mut event = json!({
        "eventId": event_id, "subscriptionId": 7000 + event_id, "portalId": PORTAL_ID,
        "appId": 54321, "occurredAt": 1_700_000_000_000u64 + event_id,
        "subscriptionType": subscription_type, "attemptNumber": 0, "objectId": contact,
        "changeSource": "FORM", "sourceId": "form:signup"
    });
    if group == "crmObjects" {
        event["objectTypeId"] = json!("0-1");
    }
    if let Some(property) = subscription.get("propertyName") {
        event["propertyName"] = property.clone();
        event["propertyValue"] = json!("someone@example.com");
    }
    event
}

#[tokio::test]
async fn every_subscribed_event_signed_over_the_target_url_is_recorded() {
    let file = webhooks_file();
    let target = file["config"]["settings"]["targetUrl"]
        .as_str()
        .expect("targetUrl")
        .to_owned();
    let public_url = target.clone();
    let app = TestApp::spawn_with(|config| config.webhook.public_url = Some(public_url)).await;

    let mut batch = Vec::new();
    let mut expected = Vec::new();
    let groups = file["config"]["subscriptions"]
        .as_object()
        .expect("subscriptions");
    for (group, subscriptions) in groups {
        for subscription in subscriptions.as_array().expect("list") {
            let n = batch.len() as u64 + 1;
            let contact = 880_000 + n;
            batch.push(event_for(group, subscription, n, contact));
            expected.push(contact.to_string());
        }
    }
    assert!(batch.len() >= 2, "creation and property change: {batch:?}");

    // HubSpot signs the URL it calls: the target URL, not the reactor's address.
    let body = serde_json::to_vec(&batch).expect("json");
    let timestamp = now_ms().to_string();
    let response = app
        .http
        .post(app.webhook_url())
        .header("Content-Type", "application/json")
        .header(
            "X-HubSpot-Signature-v3",
            sign_v3(CLIENT_SECRET, "POST", &target, &body, &timestamp),
        )
        .header("X-HubSpot-Request-Timestamp", timestamp)
        .body(body)
        .send()
        .await
        .expect("deliver");
    assert_eq!(response.status(), 204);
    expected.sort();
    assert_eq!(
        app.stream_contacts_sorted().await,
        expected,
        "every subscribed event is recorded"
    );
}
