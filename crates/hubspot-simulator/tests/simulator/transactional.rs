//! Single Send: sendId idempotency, status polling and request validation.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{self, Spec};

#[tokio::test]
async fn a_repeated_send_id_sends_nothing_and_says_idempotent_ignore() {
    let spec = Spec::load("transactional-single-send-v3");
    let sim = support::start(support::fast_config()).await;
    let request =
        json!({ "emailId": 7, "message": { "to": "eve@example.com", "sendId": "verify-123" } });
    let first: Value = support::single_send(&sim, &request)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["status"], "PENDING");
    let second = support::single_send(&sim, &request).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    spec.validate_strict("EmailSendStatusView", &second);
    assert_eq!(second["sendResult"], "IDEMPOTENT_IGNORE");
    let other =
        json!({ "emailId": 7, "message": { "to": "eve@example.com", "sendId": "verify-456" } });
    support::single_send(&sim, &other).await;

    let sent: Vec<_> = sim.emails().into_iter().filter(|e| e.sent).collect();
    assert_eq!(sent.len(), 2, "one email per sendId");
    assert_eq!(sim.contacts().len(), 1);

    let status_path = format!(
        "/marketing/v3/email/send-statuses/{}",
        first["statusId"].as_str().unwrap()
    );
    let mut status = Value::Null;
    for _ in 0..200 {
        status = support::json_of(support::api_get(&sim, &status_path).await).await;
        if status["status"] == "COMPLETE" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    spec.validate_strict("EmailSendStatusView", &status);
    assert_eq!(status["status"], "COMPLETE");
    assert_eq!(status["sendResult"], "SENT");
    sim.stop().await;
}

#[tokio::test]
async fn malformed_sends_are_rejected_with_the_error_schema() {
    let spec = Spec::load("transactional-single-send-v3");
    let sim = support::start(support::fast_config()).await;
    for body in [
        json!({ "message": { "to": "a@example.com" } }),
        json!({ "emailId": 1 }),
        json!({ "emailId": 1, "message": { "to": "nope" } }),
    ] {
        let response = support::single_send(&sim, &body).await;
        assert_eq!(response.status(), 400, "{body}");
        spec.validate("Error", &response.json().await.unwrap());
    }
    assert!(sim.emails().is_empty() && sim.contacts().is_empty());
    sim.stop().await;
}
