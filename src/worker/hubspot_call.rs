//! HubSpot calls of the worker, counted and classified: done, or a failure
//! that says what it means for the call (not for the signups in it).

use std::future::Future;
use std::time::Duration;

use crate::hubspot::HubSpotError;
use crate::telemetry::catalog;

/// What a failed call means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 429: slow down, for `Retry-After` when HubSpot gave one.
    RateLimited(Option<Duration>),
    /// 5xx, timeout, connection error: retry the call soon.
    Failing,
    /// 401/403: the credentials are refused; pause and probe.
    CredentialsRefused,
    /// Another 4xx, or a body HubSpot does not document.
    Refused,
}

impl Failure {
    /// Classifies an error. A 429's wait is kept only when HubSpot sent
    /// `Retry-After`.
    pub fn of(error: &HubSpotError) -> Self {
        match error {
            HubSpotError::RateLimited {
                retry_after, asked, ..
            } => Self::RateLimited(asked.then_some(*retry_after)),
            HubSpotError::Server { .. } | HubSpotError::Timeout | HubSpotError::Transport(_) => {
                Self::Failing
            }
            HubSpotError::Unauthorized { .. } => Self::CredentialsRefused,
            HubSpotError::Rejected { .. }
            | HubSpotError::TooManyInputs { .. }
            | HubSpotError::Decode(_) => Self::Refused,
        }
    }
}

/// The result of one call.
pub enum Call<T> {
    Done(T),
    Failed(Failure, HubSpotError),
}

/// Makes one call (its permit, if it needs one, is held by the caller) and
/// counts it by endpoint and outcome.
pub async fn counted<T>(
    endpoint: &'static str,
    call: impl Future<Output = Result<T, HubSpotError>>,
) -> Call<T> {
    let result = call.await;
    let outcome = match &result {
        Ok(_) => "ok",
        Err(error) => error.kind(),
    };
    metrics::counter!(catalog::HUBSPOT_REQUESTS, "endpoint" => endpoint, "outcome" => outcome)
        .increment(1);
    match result {
        Ok(value) => Call::Done(value),
        Err(error) => Call::Failed(Failure::of(&error), error),
    }
}
