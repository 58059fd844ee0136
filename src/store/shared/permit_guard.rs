//! One way to make calls under the shared limiters: reserve every permit the
//! calls need (all or none), re-stamp each permit when its call is made
//! (HubSpot counts a call when it arrives), and give back every permit left
//! unused. The check, the send and the Forms submission all go through it.

use std::future::Future;
use std::time::Duration;

use super::settings::Quota;
use crate::store::{Limiter, PermitIds, RedisStore, Reservation, StoreError};

/// What one limiter must grant for a guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermitRequest {
    pub limiter: Limiter,
    pub quota: Quota,
    /// Permits wanted at once (1 to the quota's maximum).
    pub permits: u32,
    /// Permits that must stay free afterwards (spare-quota work leaves room).
    pub keep_free: u32,
}

impl PermitRequest {
    /// `permits` of `limiter`'s `quota`.
    pub fn new(limiter: Limiter, quota: Quota, permits: u32) -> Self {
        Self {
            limiter,
            quota,
            permits,
            keep_free: 0,
        }
    }

    /// The same request, granted only while `keep_free` permits stay free.
    pub fn leaving(mut self, keep_free: u32) -> Self {
        self.keep_free = keep_free;
        self
    }
}

#[derive(Debug)]
struct Held {
    ids: PermitIds,
    count: u32,
    used: u32,
}

/// Permits reserved for calls made one after another. Each [`Self::call`]
/// spends the next permit of every limiter it holds; [`Self::release`] gives
/// the rest back, and so does dropping the guard (in the background).
#[derive(Debug)]
pub struct PermitGuard {
    store: RedisStore,
    held: Vec<Held>,
}

impl PermitGuard {
    /// Reserves every request, or none: when one limiter has no room, the
    /// permits already taken are given back and the wait is returned.
    pub async fn reserve(
        store: &RedisStore,
        requests: &[PermitRequest],
    ) -> Result<Result<Self, Duration>, StoreError> {
        let mut guard = Self {
            store: store.clone(),
            held: Vec::with_capacity(requests.len()),
        };
        for request in requests {
            let limits = store.rate_limits();
            match limits
                .reserve_leaving(
                    request.limiter,
                    request.quota,
                    request.permits,
                    request.keep_free,
                )
                .await?
            {
                Reservation::Granted(ids) => guard.held.push(Held {
                    ids,
                    count: request.permits.clamp(1, request.quota.max),
                    used: 0,
                }),
                Reservation::Wait(wait) => {
                    guard.release().await?;
                    return Ok(Err(wait));
                }
            }
        }
        Ok(Ok(guard))
    }

    /// Permits left for calls, per limiter (the fewest of any).
    pub fn remaining(&self) -> u32 {
        self.held
            .iter()
            .map(|h| h.count - h.used)
            .min()
            .unwrap_or(0)
    }

    /// Makes one call on the next permit of every limiter held, then
    /// re-stamps those permits with the Redis time: the window never frees
    /// them before HubSpot does. A re-stamp that fails is logged; the permit
    /// keeps its reservation stamp.
    pub async fn call<T>(&mut self, call: impl Future<Output = T>) -> T {
        self.call_counted(call, |_| true).await
    }

    /// Like [`Self::call`], but when `counted` says HubSpot turned the call
    /// away before serving it (a 429, a 503), its permits go back to the
    /// limiters instead: a rejected call takes nothing from a rolling window.
    pub async fn call_counted<T>(
        &mut self,
        call: impl Future<Output = T>,
        counted: impl FnOnce(&T) -> bool,
    ) -> T {
        let result = call.await;
        let counted = counted(&result);
        for held in &mut self.held {
            if held.used >= held.count {
                continue;
            }
            held.used += 1;
            let limits = self.store.rate_limits();
            let done = if counted {
                limits.use_permit(&held.ids, held.used).await
            } else {
                limits.release_permit(&held.ids, held.used).await
            };
            if let Err(error) = done {
                tracing::warn!(error = ?error, counted, "could not re-stamp or give back a permit");
            }
        }
        result
    }

    /// Gives back every permit not spent on a call.
    pub async fn release(mut self) -> Result<(), StoreError> {
        let held = std::mem::take(&mut self.held);
        give_back(&self.store, held).await
    }
}

async fn give_back(store: &RedisStore, held: Vec<Held>) -> Result<(), StoreError> {
    for held in held {
        for index in held.used + 1..=held.count {
            store.rate_limits().release_permit(&held.ids, index).await?;
        }
    }
    Ok(())
}

/// A guard dropped with permits unspent (an early return, a cancelled
/// task) gives them back in the background.
impl Drop for PermitGuard {
    fn drop(&mut self) {
        let held: Vec<Held> = std::mem::take(&mut self.held)
            .into_iter()
            .filter(|h| h.used < h.count)
            .collect();
        if held.is_empty() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.store.clone();
            runtime.spawn(async move {
                if let Err(error) = give_back(&store, held).await {
                    tracing::warn!(error = ?error, "could not give unused permits back");
                }
            });
        }
    }
}
