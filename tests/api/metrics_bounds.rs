//! `/metrics` stays bounded whatever clients send: made-up methods, paths and
//! subscription types share a fixed set of label values.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::json;

use crate::support::app::{PORTAL_ID, TestApp};

/// Every value of `label` in the series of `metric`.
fn label_values(text: &str, metric: &str, label: &str) -> BTreeSet<String> {
    let needle = format!("{label}=\"");
    text.lines()
        .filter(|line| line.starts_with(metric))
        .filter_map(|line| {
            let start = line.find(&needle)? + needle.len();
            let end = line[start..].find('"')? + start;
            Some(line[start..end].to_owned())
        })
        .collect()
}

#[tokio::test]
async fn many_distinct_methods_routes_and_types_add_no_series() {
    let app = TestApp::spawn().await;
    for i in 0..150 {
        let method = Method::from_bytes(format!("X{i}Y").as_bytes()).expect("a token");
        let path = format!("/made-up/{i}?q={i}");
        let response = app
            .http
            .request(method, app.url(&path))
            .send()
            .await
            .expect("request");
        assert!(response.status().is_client_error());
    }
    let events: Vec<_> = (0..50)
        .map(|i| json!({"subscriptionType": format!("made.up{i}"), "portalId": PORTAL_ID, "objectId": i}))
        .collect();
    assert_eq!(app.post_webhook(&json!(events)).await.status(), 204);

    let text = app.metrics_text().await;
    let histogram = "http_request_duration_seconds";
    let methods = label_values(&text, histogram, "method");
    let known: BTreeSet<String> = [
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "OTHER",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert!(methods.is_subset(&known), "{methods:?}");
    assert!(methods.contains("OTHER"), "{methods:?}");
    let routes = label_values(&text, histogram, "route");
    assert!(routes.contains("unmatched"), "{routes:?}");
    assert!(
        routes.iter().all(|r| !r.contains("made-up")),
        "raw paths leaked into labels: {routes:?}"
    );
    assert!(routes.len() <= 6, "{routes:?}");
    for status in label_values(&text, histogram, "status") {
        assert!(
            status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit()),
            "{status}"
        );
    }
    let types = label_values(&text, "webhook_events_received_total", "subscription_type");
    assert!(types.contains("other"), "{types:?}");
    assert!(types.iter().all(|t| !t.starts_with("made.up")), "{types:?}");
}
