//! A captured delivery cannot outlive the v3 replay window by damaging or
//! stripping its v3 headers, even under the `any` signature policy (which
//! these tests use: the default, `v3-only`, refuses v1 outright).

use reqwest::header::HeaderValue;
use serde_json::json;
use signup_reactor::webhook::signature::{SignaturePolicy, sign_v1, sign_v3};

use crate::support::app::{CLIENT_SECRET, TestApp};
use crate::support::webhooks::{creation, now_ms};

const SIX_MINUTES_MS: u64 = 6 * 60 * 1000;

fn body() -> Vec<u8> {
    serde_json::to_vec(&json!([creation(1, 100, 0)])).expect("json")
}

/// A delivery as HubSpot sends it, captured six minutes ago: v3 and v1 headers.
struct Captured {
    v3: String,
    timestamp: String,
    v1: String,
}

fn captured(app: &TestApp) -> Captured {
    let timestamp = (now_ms() - SIX_MINUTES_MS).to_string();
    Captured {
        v3: sign_v3(
            CLIENT_SECRET,
            "POST",
            &app.webhook_url(),
            &body(),
            &timestamp,
        ),
        timestamp,
        v1: sign_v1(CLIENT_SECRET, &body()),
    }
}

async fn replay(app: &TestApp, headers: &[(&str, HeaderValue)]) -> u16 {
    let mut request = app
        .http
        .post(app.webhook_url())
        .header("Content-Type", "application/json")
        .header("X-HubSpot-Signature", captured(app).v1)
        .header("X-HubSpot-Signature-Version", "v1");
    for (name, value) in headers {
        request = request.header(*name, value.clone());
    }
    let response = request.body(body()).send().await.expect("request");
    response.status().as_u16()
}

async fn spawn_any() -> TestApp {
    TestApp::spawn_with(|c| c.webhook.signature_policy = SignaturePolicy::Any).await
}

fn text(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).expect("header value")
}

#[tokio::test]
async fn the_v1_headers_alone_are_accepted_only_under_any() {
    // The baseline: a legacy-only sender (no v3 headers at all) under `any`.
    let app = spawn_any().await;
    assert_eq!(replay(&app, &[]).await, 204);
    let strict = TestApp::spawn().await;
    assert_eq!(replay(&strict, &[]).await, 401);
}

#[tokio::test]
async fn a_stale_v3_delivery_is_refused_as_sent() {
    let app = spawn_any().await;
    let c = captured(&app);
    let headers = [
        ("X-HubSpot-Signature-v3", text(&c.v3)),
        ("X-HubSpot-Request-Timestamp", text(&c.timestamp)),
    ];
    assert_eq!(replay(&app, &headers).await, 401);
    assert_eq!(app.stream_len().await, 0);
}

#[tokio::test]
async fn damaged_or_stripped_v3_headers_never_fall_back_to_v1() {
    let app = spawn_any().await;
    let c = captured(&app);
    let non_ascii = HeaderValue::from_bytes(b"\xc3\xa9t\xc3\xa9").expect("obs-text value");
    let cases: Vec<(&str, Vec<(&str, HeaderValue)>)> = vec![
        (
            "v3 value not ASCII",
            vec![
                ("X-HubSpot-Signature-v3", non_ascii.clone()),
                ("X-HubSpot-Request-Timestamp", text(&c.timestamp)),
            ],
        ),
        (
            "v3 value not base64",
            vec![
                ("X-HubSpot-Signature-v3", text("%%% not base64 %%%")),
                ("X-HubSpot-Request-Timestamp", text(&c.timestamp)),
            ],
        ),
        (
            "v3 value empty",
            vec![
                ("X-HubSpot-Signature-v3", text("")),
                ("X-HubSpot-Request-Timestamp", text(&c.timestamp)),
            ],
        ),
        (
            "timestamp missing",
            vec![("X-HubSpot-Signature-v3", text(&c.v3))],
        ),
        (
            "timestamp not a number",
            vec![
                ("X-HubSpot-Signature-v3", text(&c.v3)),
                ("X-HubSpot-Request-Timestamp", text("yesterday")),
            ],
        ),
        (
            "timestamp not ASCII",
            vec![
                ("X-HubSpot-Signature-v3", text(&c.v3)),
                ("X-HubSpot-Request-Timestamp", non_ascii.clone()),
            ],
        ),
        (
            "v3 stripped, timestamp kept",
            vec![("X-HubSpot-Request-Timestamp", text(&c.timestamp))],
        ),
    ];
    for (case, headers) in cases {
        assert_eq!(replay(&app, &headers).await, 401, "{case}");
    }
    assert_eq!(app.stream_len().await, 0, "nothing may be recorded");
}
