//! A rate limiter kept in Redis, so that every replica together stays under
//! one quota (HubSpot counts per app / per account, not per process).

use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use super::{RedisStore, StoreError};
use crate::config::Quota;

static RATE_LIMIT: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/rate_limit.lua")));
static RESTAMP: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/rate_limit_restamp.lua")));

/// Permits reserved at once, for calls made one after another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitIds {
    key: String,
    id: String,
}

/// The answer of the limiter to a reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    Granted(PermitIds),
    /// Over quota: try again after this long.
    Wait(Duration),
}

/// The answer of the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    Granted,
    /// Over quota: try again after this long.
    Wait(Duration),
}

/// The shared rate limiters; see [`RedisStore::rate_limits`].
#[derive(Debug, Clone, Copy)]
pub struct RateLimits<'a> {
    pub(super) store: &'a RedisStore,
}

impl RateLimits<'_> {
    /// Takes one call from the named limiter's quota, if any is left.
    pub async fn try_acquire(&self, limiter: &str, quota: Quota) -> Result<Permit, StoreError> {
        self.try_acquire_many(limiter, quota, 1).await
    }

    /// Takes `permits` calls from the named limiter's quota at once, or none
    /// (then says how long until that many are free). Asking for more than
    /// the quota's maximum asks for the maximum.
    pub async fn try_acquire_many(
        &self,
        limiter: &str,
        quota: Quota,
        permits: u32,
    ) -> Result<Permit, StoreError> {
        Ok(match self.reserve(limiter, quota, permits).await? {
            Reservation::Granted(_) => Permit::Granted,
            Reservation::Wait(wait) => Permit::Wait(wait),
        })
    }

    /// Like [`Self::try_acquire_many`], keeping the reservation: a permit
    /// whose call is made later is re-stamped with [`Self::use_permit`] just
    /// before it, so the window counts the call when it happens.
    pub async fn reserve(
        &self,
        limiter: &str,
        quota: Quota,
        permits: u32,
    ) -> Result<Reservation, StoreError> {
        let permits = permits.clamp(1, quota.max);
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut invocation = RATE_LIMIT.prepare_invoke();
        invocation
            .key(self.store.keys.rate_limit(limiter))
            .arg(quota.max)
            .arg(crate::clock::millis(quota.window))
            .arg(&id)
            .arg(permits);
        let mut conn = self.store.connection();
        let wait_ms: u64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(if wait_ms == 0 {
            Reservation::Granted(PermitIds {
                key: self.store.keys.rate_limit(limiter),
                id,
            })
        } else {
            Reservation::Wait(Duration::from_millis(wait_ms))
        })
    }

    /// Re-stamps reserved permit `index` (1-based) with the Redis time now.
    pub async fn use_permit(&self, permits: &PermitIds, index: u32) -> Result<(), StoreError> {
        let mut invocation = RESTAMP.prepare_invoke();
        invocation
            .key(&permits.key)
            .arg(format!("{}:{index}", permits.id));
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(())
    }

    /// Waits (without busy looping) until the named limiter grants a call, or
    /// until `give_up_after` has passed, in which case the wait is returned.
    pub async fn acquire(
        &self,
        limiter: &str,
        quota: Quota,
        give_up_after: Duration,
    ) -> Result<Permit, StoreError> {
        let deadline = tokio::time::Instant::now() + give_up_after;
        loop {
            match self.try_acquire(limiter, quota).await? {
                Permit::Granted => return Ok(Permit::Granted),
                Permit::Wait(wait) => {
                    let now = tokio::time::Instant::now();
                    if now + wait > deadline {
                        return Ok(Permit::Wait(wait));
                    }
                    let jitter = Duration::from_millis(rand::random_range(
                        0..=wait.as_millis().min(50) as u64,
                    ));
                    tokio::time::sleep(wait + jitter).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_parse_from_n_per_duration() {
        let quota = Quota::parse("100/10s").expect("valid");
        assert_eq!(
            quota,
            Quota {
                max: 100,
                window: Duration::from_secs(10)
            }
        );
        assert_eq!(
            Quota::parse(" 50 / 500ms ").map(|q| q.window),
            Some(Duration::from_millis(500))
        );
        for bad in ["", "100", "0/10s", "x/10s", "10/0s", "10/ten"] {
            assert_eq!(Quota::parse(bad), None, "{bad}");
        }
    }
}
