//! The loop every background task runs: take a step, pause when idle, stop at
//! shutdown (never in the middle of a step).

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::StoreError;
use crate::telemetry::catalog;

/// Whether a step found work.
pub trait Step {
    /// True when there was nothing to do (the loop then pauses).
    fn is_idle(&self) -> bool;
}

/// Runs `step` until `shutdown`; pauses `pause` when idle or after an error.
pub async fn run_steps<T, F, Fut>(
    name: &'static str,
    pause: Duration,
    shutdown: CancellationToken,
    mut step: F,
) where
    T: Step,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    while !shutdown.is_cancelled() {
        let idle = match step().await {
            Ok(outcome) => outcome.is_idle(),
            Err(error) => {
                metrics::counter!(catalog::REDIS_ERRORS, "operation" => name).increment(1);
                tracing::warn!(task = name, error = ?error, "worker step failed; pausing");
                true
            }
        };
        if idle {
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
    tracing::debug!(task = name, "worker task stopped");
}
