//! How HubSpot's calls are going, per process: consecutive failures (the
//! retry pace of a failing call) and refused credentials (calls pause, the
//! gauge `hubspot_credentials_refused` says so, a probe tries again). A
//! failure is the call's, never a verdict on the signups in it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::reason::Reason;
use super::schedule::{failing_delay, probe_delay};
use crate::hubspot::HubSpotError;
use crate::telemetry::catalog;
use crate::worker::hubspot_call::Failure;

#[derive(Debug, Default)]
struct State {
    failing: u32,
    refused: u32,
    paused_until: Option<Instant>,
}

/// The shared state of the process's calls; see the module doc.
#[derive(Debug, Default)]
pub struct CallHealth {
    state: Mutex<State>,
}

impl CallHealth {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// While calls are paused (credentials refused): how long until the next probe.
    pub fn paused_for(&self) -> Option<Duration> {
        let state = self.state();
        let until = state.paused_until?;
        let left = until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// A call went through: failures end, a pause ends (and says so).
    pub fn succeeded(&self) {
        let mut state = self.state();
        state.failing = 0;
        if state.refused > 0 {
            tracing::info!(
                refusals = state.refused,
                "HubSpot accepts the credentials again; calls resume"
            );
            metrics::gauge!(catalog::HUBSPOT_CREDENTIALS_REFUSED).set(0.0);
        }
        state.refused = 0;
        state.paused_until = None;
    }

    /// A call failed: why its signups wait, and how long before the call is
    /// made again. A 429 is honoured for its `Retry-After`; other failures
    /// retry on a pace that grows only while they go on; refused credentials
    /// (or a refused request) pause every call until a probe.
    pub fn failed(
        &self,
        failure: Failure,
        endpoint: &'static str,
        error: &HubSpotError,
    ) -> (Reason, Duration) {
        let mut state = self.state();
        match failure {
            Failure::RateLimited(Some(wait)) => (Reason::RateLimited, wait),
            Failure::RateLimited(None) => {
                state.failing = state.failing.saturating_add(1);
                (Reason::RateLimited, failing_delay(state.failing))
            }
            Failure::Failing => {
                state.failing = state.failing.saturating_add(1);
                tracing::warn!(endpoint, error = %error, streak = state.failing, "HubSpot failed a call; it is retried");
                (Reason::HubSpotFailing, failing_delay(state.failing))
            }
            Failure::CredentialsRefused | Failure::Refused => {
                state.refused = state.refused.saturating_add(1);
                let pause = probe_delay(state.refused);
                state.paused_until = Some(Instant::now() + pause);
                let reason = if failure == Failure::CredentialsRefused {
                    metrics::gauge!(catalog::HUBSPOT_CREDENTIALS_REFUSED).set(1.0);
                    Reason::CredentialsRefused
                } else {
                    Reason::HubSpotRefused
                };
                tracing::error!(
                    endpoint,
                    error = %error,
                    pause_ms = pause.as_millis() as u64,
                    "HubSpot refused a call; calls pause and are probed again (no signup is given up for it)"
                );
                (reason, pause)
            }
        }
    }
}
