//! Building and signing webhook deliveries as HubSpot does.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use signup_reactor::webhook::signature::{sign_v1, sign_v3};

use super::app::{CLIENT_SECRET, PORTAL_ID, TestApp};

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// A `contact.creation` event.
pub fn creation(event_id: u64, contact_id: u64, attempt: u64) -> Value {
    json!({
        "eventId": event_id, "subscriptionId": 12345, "portalId": PORTAL_ID, "appId": 54321,
        "occurredAt": 1_700_000_000_000u64 + event_id, "subscriptionType": "contact.creation",
        "attemptNumber": attempt, "objectId": contact_id, "changeSource": "FORM", "changeFlag": "NEW"
    })
}

/// A `contact.propertyChange` event.
pub fn property_change(event_id: u64, contact_id: u64, property: &str, value: &str) -> Value {
    json!({
        "eventId": event_id, "subscriptionId": 12346, "portalId": PORTAL_ID, "appId": 54321,
        "occurredAt": 1_700_000_000_000u64 + event_id, "subscriptionType": "contact.propertyChange",
        "attemptNumber": 0, "objectId": contact_id, "propertyName": property,
        "propertyValue": value, "changeSource": "FORM"
    })
}

/// A `contact.deletion` event.
pub fn deletion(event_id: u64, contact_id: u64) -> Value {
    json!({
        "eventId": event_id, "subscriptionId": 1, "portalId": PORTAL_ID, "appId": 1,
        "occurredAt": 1_700_000_000_000u64 + event_id, "subscriptionType": "contact.deletion",
        "attemptNumber": 0, "objectId": contact_id
    })
}

/// Sets `attemptNumber` on every event of a batch (a HubSpot retry).
pub fn with_attempt(batch: &Value, attempt: u64) -> Value {
    let mut batch = batch.clone();
    if let Some(events) = batch.as_array_mut() {
        for event in events {
            event["attemptNumber"] = json!(attempt);
        }
    }
    batch
}

/// How a test signs a delivery.
pub enum Signing<'a> {
    V3 { secret: &'a str, timestamp: u64 },
    V1 { secret: &'a str },
    None,
}

impl TestApp {
    /// The URL HubSpot would sign for a request to the webhook route.
    pub fn webhook_url(&self) -> String {
        format!("http://127.0.0.1:{}/webhooks/hubspot", self.port)
    }

    /// Posts a raw body to the webhook route with the given signing.
    pub async fn post_webhook_raw(&self, body: Vec<u8>, signing: Signing<'_>) -> reqwest::Response {
        let url = self.webhook_url();
        let mut request = self
            .http
            .post(&url)
            .header("Content-Type", "application/json");
        match signing {
            Signing::V3 { secret, timestamp } => {
                let ts = timestamp.to_string();
                request = request
                    .header(
                        "X-HubSpot-Signature-v3",
                        sign_v3(secret, "POST", &url, &body, &ts),
                    )
                    .header("X-HubSpot-Request-Timestamp", ts);
            }
            Signing::V1 { secret } => {
                request = request
                    .header("X-HubSpot-Signature", sign_v1(secret, &body))
                    .header("X-HubSpot-Signature-Version", "v1");
            }
            Signing::None => {}
        }
        request.body(body).send().await.expect("webhook request")
    }

    /// Posts a batch signed with v3 and the right secret, now.
    pub async fn post_webhook(&self, batch: &Value) -> reqwest::Response {
        let body = serde_json::to_vec(batch).expect("json");
        let signing = Signing::V3 {
            secret: CLIENT_SECRET,
            timestamp: now_ms(),
        };
        self.post_webhook_raw(body, signing).await
    }
}
