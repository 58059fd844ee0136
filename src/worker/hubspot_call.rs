//! Every HubSpot call of the worker goes through the shared Redis rate limiter,
//! and comes back classified: done, wait (quota or 429), or failed.

use std::future::Future;
use std::time::Duration;

use super::WorkerContext;
use crate::hubspot::HubSpotError;
use crate::store::{Permit, StoreError};
use crate::telemetry::catalog;

/// Name of the HubSpot API limiter in Redis (shared by every replica).
pub const API_LIMITER: &str = "api";

/// The result of one rate-limited call.
pub enum Call<T> {
    Done(T),
    /// Over quota (ours or HubSpot's): try again after this long.
    Wait(Duration),
    Failed(HubSpotError),
}

impl WorkerContext {
    /// Takes a permit from the shared quota, then makes the call.
    pub(super) async fn call<T, Fut>(
        &self,
        endpoint: &'static str,
        call: impl FnOnce() -> Fut,
    ) -> Result<Call<T>, StoreError>
    where
        Fut: Future<Output = Result<T, HubSpotError>>,
    {
        if let Permit::Wait(wait) = self
            .store
            .try_acquire(API_LIMITER, self.settings.api_quota)
            .await?
        {
            metrics::counter!(catalog::HUBSPOT_CALLS_DEFERRED, "endpoint" => endpoint).increment(1);
            return Ok(Call::Wait(wait));
        }
        let result = call().await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.kind(),
        };
        metrics::counter!(catalog::HUBSPOT_REQUESTS, "endpoint" => endpoint, "outcome" => outcome)
            .increment(1);
        Ok(match result {
            Ok(value) => Call::Done(value),
            Err(HubSpotError::RateLimited { retry_after, .. }) => Call::Wait(retry_after),
            Err(error) => Call::Failed(error),
        })
    }
}
