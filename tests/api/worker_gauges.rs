//! The worker's gauge refresh reports the age of the oldest open signup and
//! how long the earliest Forms retry has been due.

use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{GaugeReporter, WorkerContext};

use crate::support::app::TestApp;

#[tokio::test]
async fn gauges_report_the_oldest_open_signup_and_the_most_overdue_forms_retry() {
    let app = TestApp::spawn().await;
    let store = RedisStore::connect(&app.config.redis).expect("store");
    let hubspot = HubSpotClient::new(app.config.hubspot_endpoints()).expect("client");
    let reporter = GaugeReporter::new(WorkerContext::for_config(
        &app.config,
        store.clone(),
        hubspot,
    ));

    let empty = reporter.refresh().await.expect("refresh");
    assert_eq!((empty.oldest_open_ms, empty.forms_overdue_ms), (0, 0));

    let now = signup_reactor::clock::now_ms();
    let keys = store.keys();
    let mut conn = app.redis_conn().await;
    let () = redis::pipe()
        .zadd(keys.signups_open(), "old", now - 600_000)
        .ignore()
        .zadd(keys.signups_open(), "young", now - 1_000)
        .ignore()
        .zadd(keys.forms_retry_queue(), "overdue", now - 120_000)
        .ignore()
        .zadd(keys.forms_retry_queue(), "later", now + 60_000)
        .ignore()
        .query_async(&mut conn)
        .await
        .expect("seed the queues");

    let depths = reporter.refresh().await.expect("refresh");
    assert_eq!(depths.open_signups, 2);
    assert_eq!(depths.forms_retry_queue, 2);
    assert!(
        (600_000..660_000).contains(&depths.oldest_open_ms),
        "oldest open signup {} ms",
        depths.oldest_open_ms
    );
    assert!(
        (120_000..180_000).contains(&depths.forms_overdue_ms),
        "most overdue retry {} ms",
        depths.forms_overdue_ms
    );
}
