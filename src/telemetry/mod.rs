//! Logs (tracing) and metrics (Prometheus) for the whole process.

pub mod catalog;
pub mod heartbeat;
pub mod label_values;

use std::sync::OnceLock;

use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::LogFormat;

/// Latency buckets (seconds) for request and call histograms.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

static METRICS: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide tracing subscriber (`RUST_LOG` filters, default `info`).
/// Logs go to standard output, coloured only when it is a terminal (a file or a
/// log collector gets no ANSI escapes). A second call is a no-op, so tests may
/// call it freely.
pub fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The process-wide Prometheus recorder's handle, installed on first use.
/// Every `Application` in a process (tests start many) shares it.
pub fn metrics_handle() -> PrometheusHandle {
    METRICS
        .get_or_init(|| {
            let recorder = build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder was installed first; the handle
            // then renders nothing, which /metrics makes visible.
            if metrics::set_global_recorder(recorder).is_ok() {
                catalog::describe_all();
                label_values::zero_init();
            }
            handle
        })
        .clone()
}

/// Buckets (seconds) for the signup-to-email latency, which spans seconds to hours.
const SIGNUP_TO_EMAIL_BUCKETS: [f64; 12] = [
    0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];

fn build_recorder() -> PrometheusRecorder {
    let builder = PrometheusBuilder::new()
        .set_buckets(&LATENCY_BUCKETS)
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Full(catalog::SIGNUP_TO_EMAIL_SECONDS.to_owned()),
                &SIGNUP_TO_EMAIL_BUCKETS,
            )
        });
    match builder {
        Ok(builder) => builder.build_recorder(),
        Err(_) => PrometheusBuilder::new().build_recorder(),
    }
}
