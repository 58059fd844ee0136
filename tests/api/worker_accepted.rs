//! The email metrics are recorded when Single Send accepts the email, not
//! when its result is read.

use signup_reactor::config::Config;
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{BatchReport, Reason, SignupChecker, WorkerContext};

use crate::support::driven::{batch, creation_only};
use crate::support::driven_signups::{consume_creation, readable_signup};
use crate::support::metrics::{series, with_own_metrics};

/// One check step with a metrics recorder of its own.
async fn check_with_own_metrics(config: Config) -> (BatchReport, String) {
    with_own_metrics(move || async move {
        let store = RedisStore::connect(&config.redis).expect("store");
        let hubspot = HubSpotClient::new(config.hubspot_endpoints()).expect("client");
        let ctx = WorkerContext::for_config(&config, store, hubspot);
        batch(&SignupChecker::new(ctx)).await
    })
    .await
}

#[tokio::test]
async fn the_email_metrics_are_recorded_when_single_send_accepts() {
    let d = creation_only().await;
    let (id, contact) = readable_signup(&d, "accepted@example.com").await;
    consume_creation(&d, contact).await;
    d.make_due(&id).await;
    let (report, metrics) = check_with_own_metrics(d.app.config.clone()).await;
    // The simulator answers PENDING: the result is not known yet.
    assert_eq!(
        report.deferred,
        vec![(id, Reason::SendPending)],
        "{report:?}"
    );
    let count = |name: &str| series(&metrics, name);
    assert_eq!(count("signup_to_email_seconds_count"), 1.0, "{metrics}");
    assert_eq!(count("emails_sent_total"), 1.0, "{metrics}");
    assert_eq!(count("send_result_lag_seconds_count"), 0.0, "{metrics}");
}
