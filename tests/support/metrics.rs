//! Metrics as a test reads them: from a recorder of its own (the
//! process-wide one also counts the other tests' work), and one series of a
//! Prometheus text.

use std::future::Future;

use metrics_exporter_prometheus::PrometheusBuilder;

/// Runs `work` under a recorder of its own, on a thread and runtime of its
/// own so that the recorder sees every step; its output and the metrics.
pub async fn with_own_metrics<T, F, Fut>(work: F) -> (T, String)
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    tokio::task::spawn_blocking(move || {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let output = metrics::with_local_recorder(&recorder, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(work())
        });
        (output, handle.render())
    })
    .await
    .expect("metrics thread")
}

/// The value of the first series of `text` starting with `prefix` (0 when
/// there is none).
pub fn series(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find(|line| line.starts_with(prefix))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0)
}
