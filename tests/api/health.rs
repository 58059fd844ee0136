use crate::support::app::TestApp;

#[tokio::test]
async fn healthz_and_readyz_answer_when_redis_is_up() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_status("/healthz").await, 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["redis"], "ok");
}

#[tokio::test]
async fn metrics_are_exposed_in_prometheus_text_format() {
    let app = TestApp::spawn().await;
    let batch = serde_json::json!([crate::support::webhooks::creation(1, 77, 0)]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.expect("text");
    for name in [
        "webhook_events_received_total",
        "webhook_events_recorded_total",
        "http_request_duration_seconds_bucket",
    ] {
        assert!(text.contains(name), "{name} missing from /metrics:\n{text}");
    }
}

#[tokio::test]
async fn unknown_routes_are_404() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_status("/nope").await, 404);
}
