use serde_json::json;

use crate::support::app::TestApp;
use crate::support::webhooks::{creation, with_attempt};

#[tokio::test]
async fn redis_down_gives_503_and_the_redelivery_is_recorded_after_restart() {
    let mut app = TestApp::spawn().await;
    if !app.redis.is_private() {
        eprintln!("skipped: needs a private redis-server to stop");
        return;
    }
    let batch = json!([creation(1, 100, 0), creation(2, 101, 0)]);
    app.redis.stop();

    let response = app.post_webhook(&batch).await;
    assert_eq!(response.status(), 503);
    let body = response.text().await.expect("body");
    assert!(
        !body.to_lowercase().contains("redis"),
        "no internal detail in {body}"
    );
    assert_eq!(app.get_status("/readyz").await, 503);
    assert_eq!(
        app.get_status("/healthz").await,
        200,
        "liveness does not depend on Redis"
    );

    app.redis.restart();
    // The connection comes back on its own; HubSpot redelivers with a higher attempt.
    let mut status = 0;
    for attempt in 1..=50 {
        status = app
            .post_webhook(&with_attempt(&batch, attempt))
            .await
            .status()
            .as_u16();
        if status == 204 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 204);
    assert_eq!(app.stream_contacts_sorted().await, vec!["100", "101"]);
    // /readyz answers from a probe at most 2 s old: ready again soon after.
    let ready = crate::support::stack::eventually(std::time::Duration::from_secs(5), || async {
        app.get_status("/readyz").await == 200
    })
    .await;
    assert!(ready, "/readyz is 200 again once Redis is back");
}
