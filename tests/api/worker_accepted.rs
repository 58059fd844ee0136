//! The email metrics are recorded when Single Send accepts the email, not
//! when its result is read.

use metrics_exporter_prometheus::PrometheusBuilder;
use signup_reactor::config::Config;
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{BatchReport, CheckOutcome, Reason, SignupChecker, WorkerContext};

use crate::worker_unkind::{consume_creation, creation_only, readable_signup};

/// One check step with a metrics recorder of its own (the process-wide one
/// also counts the other tests' sends), on a thread and runtime of its own.
async fn check_with_own_metrics(config: Config) -> (BatchReport, String) {
    tokio::task::spawn_blocking(move || {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let report = metrics::with_local_recorder(&recorder, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let store = RedisStore::connect(&config.redis).expect("store");
                let hubspot = HubSpotClient::new(config.hubspot_endpoints()).expect("client");
                let ctx = WorkerContext::for_config(&config, store, hubspot);
                match SignupChecker::new(ctx).process_next().await.expect("check") {
                    CheckOutcome::Batch(report) => report,
                    idle => panic!("nothing was due: {idle:?}"),
                }
            })
        });
        (report, handle.render())
    })
    .await
    .expect("check thread")
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
    let count = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    assert_eq!(count("signup_to_email_seconds_count"), 1.0, "{metrics}");
    assert_eq!(count("emails_sent_total"), 1.0, "{metrics}");
    assert_eq!(count("send_result_lag_seconds_count"), 0.0, "{metrics}");
}
