//! Signup data reaches HubSpot as given, or is refused with a clear 422:
//! nothing is silently changed or dropped.

use std::time::Duration;

use serde_json::Value;

use crate::support::app::{SIGNUP_TOKEN, TestApp};
use crate::support::stack::{Stack, eventually};

async fn post_raw(app: &TestApp, body: String) -> reqwest::Response {
    app.http
        .post(app.url("/v1/signups"))
        .bearer_auth(SIGNUP_TOKEN)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("signup request")
}

/// The `(field, errorType)` pairs of a 422 answer.
async fn problems(response: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["errorType"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn big_numbers_and_context_aliases_reach_the_form_as_given() {
    let stack = Stack::start(|_| {}, |_| {}).await;
    let body = r#"{
        "email": "digits@example.com",
        "fields": {"firstname": "Ann", "company": 123456789012345678901234567890},
        "context": {"hubspotutk": "0123456789abcdef0123456789abcdef",
                    "pageUrl": "https://app.example.com/signup"}
    }"#;
    let response = post_raw(&stack.app, body.to_owned()).await;
    assert_eq!(response.status(), 202);
    let sim = &stack.sim;
    let landed = eventually(Duration::from_secs(10), || async {
        sim.contact_by_email("digits@example.com")
            .is_some_and(|c| !c.form_submissions.is_empty())
    })
    .await;
    assert!(landed, "the submission never landed");
    let contact = sim.contact_by_email("digits@example.com").expect("contact");
    let company = contact
        .properties
        .get("company")
        .and_then(|v| v.last())
        .map(|v| v.value.clone());
    assert_eq!(company.as_deref(), Some("123456789012345678901234567890"));
    assert_eq!(
        contact.form_submissions[0].page_url.as_deref(),
        Some("https://app.example.com/signup"),
        "pageUrl is passed on as pageUri"
    );
}

#[tokio::test]
async fn what_hubspot_would_not_store_as_given_is_refused_with_422() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            r#"{"email": "ann@example.com", "context": {"pageId": "42"}}"#,
            ("context.pageId", "INVALID_CONTEXT"),
        ),
        (
            r#"{"email": "ann\u200b@example.com"}"#,
            ("email", "INVALID_EMAIL"),
        ),
        (
            r#"{"email": "\u202emoc.elpmaxe@nna"}"#,
            ("email", "INVALID_EMAIL"),
        ),
        (
            r#"{"email": "Ann <ann@example.com>"}"#,
            ("email", "INVALID_EMAIL"),
        ),
        (
            r#"{"email": "ann@example.com", "emailCustomProperties": {"code": 123456789012345678901234567890}}"#,
            ("emailCustomProperties.code", "INVALID_NUMBER"),
        ),
    ];
    for (body, expected) in cases {
        let found = problems(post_raw(&app, body.to_owned()).await).await;
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{body}: {found:?}"
        );
    }
    assert!(app.all_keys().await.is_empty(), "nothing was kept");
}
