//! Readiness as a background probe: `/readyz` answers from the latest probe
//! of Redis, so a request costs Redis nothing, however many partitions or
//! clients there are.
//!
//! The probe runs when a request finds no result younger than
//! [`FRESH_FOR`], at most once per [`FRESH_FOR`] per process, and is bounded
//! by [`PROBE_DEADLINE`]: a request waits at most [`ANSWER_WITHIN`], so a
//! failing or hung Redis turns into 503 within 3 s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use crate::store::RedisStore;
use crate::telemetry::catalog;

/// How long a probe's result answers requests (and the least time between probes).
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// The longest a probe may run before it counts as a failure.
const PROBE_DEADLINE: Duration = Duration::from_millis(2_500);

/// The longest a request waits for a fresh result.
const ANSWER_WITHIN: Duration = Duration::from_millis(2_800);

/// The outcome of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeResult {
    /// When the probe started.
    pub at: Instant,
    pub ready: bool,
}

/// The shared state between `/readyz` and its background probe.
#[derive(Debug, Clone)]
pub struct ReadinessWatch {
    latest: watch::Receiver<Option<ProbeResult>>,
    wanted: Arc<Notify>,
}

/// The background half: runs the probe when asked, at most once per [`FRESH_FOR`].
pub struct ReadinessProbe {
    store: RedisStore,
    latest: watch::Sender<Option<ProbeResult>>,
    wanted: Arc<Notify>,
}

/// A watch and its probe, which the caller spawns with [`ReadinessProbe::run`].
pub fn readiness(store: RedisStore) -> (ReadinessWatch, ReadinessProbe) {
    let (sender, receiver) = watch::channel(None);
    let wanted = Arc::new(Notify::new());
    (
        ReadinessWatch {
            latest: receiver,
            wanted: wanted.clone(),
        },
        ReadinessProbe {
            store,
            latest: sender,
            wanted,
        },
    )
}

/// Whether a result still answers requests at `now`.
fn is_fresh(result: Option<&ProbeResult>, now: Instant) -> bool {
    result.is_some_and(|r| now.saturating_duration_since(r.at) < FRESH_FOR)
}

impl ReadinessWatch {
    /// Whether Redis can serve the reactor, per a probe younger than
    /// [`FRESH_FOR`]; `false` when none comes within [`ANSWER_WITHIN`].
    pub async fn is_ready(&self) -> bool {
        let mut latest = self.latest.clone();
        let cached = *latest.borrow();
        if let Some(result) = cached.filter(|r| is_fresh(Some(r), Instant::now())) {
            return result.ready;
        }
        self.wanted.notify_one();
        let fresh = tokio::time::timeout(
            ANSWER_WITHIN,
            latest.wait_for(|result| is_fresh(result.as_ref(), Instant::now())),
        )
        .await;
        match fresh {
            Ok(Ok(result)) => result.is_some_and(|r| r.ready),
            _ => false,
        }
    }
}

impl ReadinessProbe {
    /// Probes whenever a request asks, until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wanted.notified() => {}
            }
            let at = Instant::now();
            let ready = self.probe_once().await;
            self.latest.send_replace(Some(ProbeResult { at, ready }));
            // At most one probe per FRESH_FOR: requests meanwhile read this one.
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep_until((at + FRESH_FOR).into()) => {}
            }
        }
    }

    async fn probe_once(&self) -> bool {
        let outcome = tokio::time::timeout(PROBE_DEADLINE, self.store.readiness().probe()).await;
        let error = match outcome {
            Ok(Ok(())) => return true,
            Ok(Err(error)) => format!("{error:?}"),
            Err(_) => format!("no answer within {PROBE_DEADLINE:?}"),
        };
        metrics::counter!(catalog::REDIS_ERRORS, "operation" => "readiness").increment(1);
        tracing::warn!(error = %error, "readiness probe failed: redis cannot serve the reactor");
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_answer_for_two_seconds() {
        let at = Instant::now();
        let result = ProbeResult { at, ready: true };
        assert!(!is_fresh(None, at));
        assert!(is_fresh(Some(&result), at));
        assert!(is_fresh(Some(&result), at + Duration::from_millis(1_999)));
        assert!(!is_fresh(Some(&result), at + FRESH_FOR));
    }
}
