//! HubSpot calls of the worker: the ones that count against HubSpot's API
//! quota take their permits from the shared Redis rate limiter first (all a
//! step needs, at once); every call comes back classified: done, wait (quota
//! or 429), or failed.

use std::future::Future;
use std::time::Duration;

use super::WorkerContext;
use crate::hubspot::HubSpotError;
use crate::store::{Limiter, PermitIds, Reservation, StoreError};
use crate::telemetry::catalog;

/// The result of one call.
pub enum Call<T> {
    Done(T),
    /// Over quota (ours or HubSpot's): try again after this long.
    Wait(Duration),
    Failed(HubSpotError),
}

impl WorkerContext {
    /// Reserves `permits` from the shared API quota at once (a later call
    /// re-stamps its permit with `RateLimits::use_permit`); the wait when
    /// they are not all free.
    pub(super) async fn reserve_api_permits(
        &self,
        permits: u32,
    ) -> Result<Result<PermitIds, Duration>, StoreError> {
        match self
            .store
            .rate_limits()
            .reserve(Limiter::Api, self.settings.api_quota, permits)
            .await?
        {
            Reservation::Granted(ids) => {
                super::telemetry::api_permits(permits);
                Ok(Ok(ids))
            }
            Reservation::Wait(wait) => {
                metrics::counter!(catalog::HUBSPOT_CALLS_DEFERRED, "endpoint" => "batch")
                    .increment(1);
                Ok(Err(wait))
            }
        }
    }

    /// Takes one permit of spare quota: only while more than half of the
    /// API quota stays free for confirmations; the wait otherwise. Like any
    /// permit, it is re-stamped once its call is made.
    pub(super) async fn take_spare_api_permit(
        &self,
    ) -> Result<Result<PermitIds, Duration>, StoreError> {
        let quota = self.settings.api_quota;
        match self
            .store
            .rate_limits()
            .reserve_leaving(Limiter::Api, quota, 1, quota.max / 2)
            .await?
        {
            Reservation::Granted(permit) => {
                super::telemetry::api_permits(1);
                Ok(Ok(permit))
            }
            Reservation::Wait(wait) => Ok(Err(wait)),
        }
    }

    /// Makes a call whose permit was taken already (or that needs none).
    pub(super) async fn permitted_call<T, Fut>(
        &self,
        endpoint: &'static str,
        call: impl FnOnce() -> Fut,
    ) -> Call<T>
    where
        Fut: Future<Output = Result<T, HubSpotError>>,
    {
        let result = call().await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.kind(),
        };
        metrics::counter!(catalog::HUBSPOT_REQUESTS, "endpoint" => endpoint, "outcome" => outcome)
            .increment(1);
        match result {
            Ok(value) => Call::Done(value),
            Err(HubSpotError::RateLimited { retry_after, .. }) => Call::Wait(retry_after),
            Err(error) => Call::Failed(error),
        }
    }
}
