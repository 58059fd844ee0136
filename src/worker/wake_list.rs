//! Wake-ups of idle checkers from any process: each worker process blocks on
//! the wake list (see `store::WakeListWaiter`), and a token (a signup of any
//! replica became due: its Forms call went through, an event woke it) wakes
//! this process's idle checkers. Without it an idle checker would learn of
//! such work only at its idle limit.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::WorkerContext;
use crate::telemetry::catalog;

/// Longest single block on the wake list (the loop then blocks again).
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// Blocks on the wake list until shutdown, waking this process's idle
/// checkers at each token; pauses `WORKER_POLL_INTERVAL` after a failure.
pub async fn watch_wake_list(ctx: Arc<WorkerContext>, shutdown: CancellationToken) {
    let waiter = ctx.store.wake_list_waiter(LONGEST_WAIT);
    loop {
        let waited = tokio::select! {
            () = shutdown.cancelled() => break,
            waited = waiter.wait(LONGEST_WAIT) => waited,
        };
        match waited {
            Ok(true) => ctx.wake.notify_waiters(),
            Ok(false) => {}
            Err(error) => {
                metrics::counter!(catalog::REDIS_ERRORS, "operation" => "watch_queue").increment(1);
                tracing::warn!(error = ?error, "waiting on the wake list failed; pausing");
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(ctx.settings.poll_interval) => {}
                }
            }
        }
    }
    tracing::debug!(task = "watch_queue", "worker task stopped");
}
