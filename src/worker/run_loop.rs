//! The loop every background task runs: take a step, pause when idle (until
//! the step's own next due time, or a wake-up), stop at shutdown (never in
//! the middle of a step).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::store::StoreError;
use crate::telemetry::catalog;

/// Whether a step found work.
pub trait Step {
    /// True when there was nothing to do (the loop then pauses).
    fn is_idle(&self) -> bool;

    /// When idle: how long until work is known to be due, if the step knows
    /// (the pause is then no longer than that).
    fn idle_wait(&self) -> Option<Duration> {
        None
    }
}

/// Runs `step` until `shutdown`; pauses `pause` when idle or after an error.
pub async fn run_steps<T, F, Fut>(
    name: &'static str,
    pause: Duration,
    shutdown: CancellationToken,
    step: F,
) where
    T: Step,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    run_steps_woken(name, pause, pause, None, shutdown, step).await;
}

/// [`run_steps`], where an idle pause lasts until the step's next due time,
/// at most `idle_limit`, and ends early when `wake` is notified (work
/// arrived), even during the step that found nothing; a failed step pauses
/// `pause`.
pub async fn run_steps_woken<T, F, Fut>(
    name: &'static str,
    pause: Duration,
    idle_limit: Duration,
    wake: Option<Arc<Notify>>,
    shutdown: CancellationToken,
    mut step: F,
) where
    T: Step,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let never = Notify::new();
    let wake = wake.as_deref().unwrap_or(&never);
    while !shutdown.is_cancelled() {
        // Listening before the step: a wake-up during it is not lost.
        let woken = wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let idle = match step().await {
            Ok(outcome) if outcome.is_idle() => Some(
                outcome
                    .idle_wait()
                    .map_or(idle_limit, |due| due.min(idle_limit)),
            ),
            Ok(_) => None,
            Err(error) => {
                metrics::counter!(catalog::REDIS_ERRORS, "operation" => name).increment(1);
                tracing::warn!(task = name, error = ?error, "worker step failed; pausing");
                Some(pause)
            }
        };
        if let Some(wait) = idle {
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(wait) => {}
                () = woken => {}
            }
        }
    }
    tracing::debug!(task = name, "worker task stopped");
}

/// [`run_steps`], where an idle step is followed by `wait` (which returns
/// once work may have come, e.g. a blocking read) instead of a pause; a
/// failed step or wait pauses `pause`. Shutdown ends a wait at once.
pub async fn run_steps_waiting<T, F, Fut, W, WFut>(
    name: &'static str,
    pause: Duration,
    shutdown: CancellationToken,
    mut step: F,
    mut wait: W,
) where
    T: Step,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
    W: FnMut() -> WFut,
    WFut: Future<Output = Result<(), StoreError>>,
{
    while !shutdown.is_cancelled() {
        let failed = match step().await {
            Ok(outcome) if outcome.is_idle() => tokio::select! {
                () = shutdown.cancelled() => None,
                waited = wait() => waited.err(),
            },
            Ok(_) => None,
            Err(error) => Some(error),
        };
        if let Some(error) = failed {
            metrics::counter!(catalog::REDIS_ERRORS, "operation" => name).increment(1);
            tracing::warn!(task = name, error = ?error, "worker step failed; pausing");
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
    tracing::debug!(task = name, "worker task stopped");
}
