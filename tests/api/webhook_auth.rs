use serde_json::json;
use signup_reactor::webhook::signature::{SignaturePolicy, sign_v3};

use crate::support::app::{CLIENT_SECRET, TestApp};
use crate::support::webhooks::{Signing, creation, now_ms};

fn batch_bytes() -> Vec<u8> {
    serde_json::to_vec(&json!([creation(1, 100, 0)])).expect("json")
}

async fn assert_rejected(app: &TestApp, response: reqwest::Response, status: u16) {
    assert_eq!(response.status(), status);
    let body: serde_json::Value = response.json().await.expect("json error body");
    assert!(body["error"].is_string(), "{body}");
    assert_eq!(app.stream_len().await, 0, "nothing may be recorded");
}

#[tokio::test]
async fn bad_signatures_are_401_and_record_nothing() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    let wrong_secret = Signing::V3 {
        secret: "not-the-secret",
        timestamp: now,
    };
    let stale = Signing::V3 {
        secret: CLIENT_SECRET,
        timestamp: now - 6 * 60 * 1000,
    };
    let future = Signing::V3 {
        secret: CLIENT_SECRET,
        timestamp: now + 6 * 60 * 1000,
    };
    for signing in [wrong_secret, stale, future, Signing::None] {
        let response = app.post_webhook_raw(batch_bytes(), signing).await;
        assert_rejected(&app, response, 401).await;
    }
}

#[tokio::test]
async fn a_tampered_body_is_401() {
    let app = TestApp::spawn().await;
    let url = app.webhook_url();
    let ts = now_ms().to_string();
    let signature = sign_v3(CLIENT_SECRET, "POST", &url, &batch_bytes(), &ts);
    let tampered = serde_json::to_vec(&json!([creation(1, 666, 0)])).expect("json");
    let response = app
        .http
        .post(&url)
        .header("X-HubSpot-Signature-v3", signature)
        .header("X-HubSpot-Request-Timestamp", ts)
        .body(tampered)
        .send()
        .await
        .expect("request");
    assert_rejected(&app, response, 401).await;
}

#[tokio::test]
async fn a_v3_signature_without_its_timestamp_is_401() {
    let app = TestApp::spawn().await;
    let url = app.webhook_url();
    let signature = sign_v3(
        CLIENT_SECRET,
        "POST",
        &url,
        &batch_bytes(),
        &now_ms().to_string(),
    );
    let response = app
        .http
        .post(&url)
        .header("X-HubSpot-Signature-v3", signature)
        .body(batch_bytes())
        .send()
        .await
        .expect("request");
    assert_rejected(&app, response, 401).await;
}

#[tokio::test]
async fn legacy_v1_is_accepted_only_under_the_any_policy() {
    let app = TestApp::spawn_with(|c| c.webhook.signature_policy = SignaturePolicy::Any).await;
    let response = app
        .post_webhook_raw(
            batch_bytes(),
            Signing::V1 {
                secret: CLIENT_SECRET,
            },
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(app.stream_len().await, 1);

    // v3-only is the default.
    let strict = TestApp::spawn().await;
    assert_eq!(
        strict.config.webhook.signature_policy,
        SignaturePolicy::V3Only
    );
    let response = strict
        .post_webhook_raw(
            batch_bytes(),
            Signing::V1 {
                secret: CLIENT_SECRET,
            },
        )
        .await;
    assert_rejected(&strict, response, 401).await;
}

#[tokio::test]
async fn the_public_url_and_query_string_are_what_is_signed() {
    let public = "https://hooks.example.com/hubspot/events";
    let app = TestApp::spawn_with(|c| c.webhook.public_url = Some(public.to_owned())).await;
    let ts = now_ms().to_string();
    let body = batch_bytes();
    let signed_as = format!("{public}?tenant=acme%3Aeu");
    let signature = sign_v3(CLIENT_SECRET, "POST", &signed_as, &body, &ts);
    let request = |sig: String| {
        app.http
            .post(app.url("/webhooks/hubspot?tenant=acme%3Aeu"))
            .header("X-HubSpot-Signature-v3", sig)
            .header("X-HubSpot-Request-Timestamp", ts.clone())
            .body(body.clone())
    };
    // Signed over the local URL: not what HubSpot signs, so refused.
    let local = sign_v3(
        CLIENT_SECRET,
        "POST",
        &app.url("/webhooks/hubspot?tenant=acme%3Aeu"),
        &body,
        &ts,
    );
    assert_eq!(request(local).send().await.expect("request").status(), 401);
    assert_eq!(
        request(signature).send().await.expect("request").status(),
        204
    );
    assert_eq!(app.stream_len().await, 1);
}

#[tokio::test]
async fn bodies_that_are_not_a_json_array_are_400() {
    let app = TestApp::spawn().await;
    let sign = || Signing::V3 {
        secret: CLIENT_SECRET,
        timestamp: now_ms(),
    };
    for body in [&b"{not json"[..], br#"{"eventId":1}"#, b"\"text\"", b""] {
        let response = app.post_webhook_raw(body.to_vec(), sign()).await;
        assert_rejected(&app, response, 400).await;
    }
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = TestApp::spawn_with(|c| c.webhook.max_body_bytes = 4096).await;
    let events: Vec<_> = (0..100).map(|i| creation(i, 100 + i, 0)).collect();
    let body = serde_json::to_vec(&events).expect("json");
    assert!(body.len() > 4096);
    let signing = Signing::V3 {
        secret: CLIENT_SECRET,
        timestamp: now_ms(),
    };
    let response = app.post_webhook_raw(body, signing).await;
    assert_rejected(&app, response, 413).await;
}
