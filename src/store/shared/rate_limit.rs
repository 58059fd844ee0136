//! A rate limiter kept in Redis, so that every replica together stays under
//! one quota (HubSpot counts per app / per account, not per process).

use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use super::settings::Quota;
use crate::store::{RedisStore, StoreError};

/// `rate_limit.lua`: a sliding-window log under one key (also the
/// per-address ceiling's).
pub(in crate::store) static RATE_LIMIT: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/rate_limit.lua")));
static RESTAMP: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/rate_limit_restamp.lua")));
static HOLD: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/rate_limit_hold.lua")));
static USED: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/rate_limit_used.lua")));

/// The limiters kept in Redis, one per quota HubSpot enforces (or an
/// operator sets), each shared by every replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limiter {
    /// The account's API quota (`HUBSPOT_API_RATE_LIMIT`): CRM reads, legacy
    /// profiles, send status reads and authenticated Forms submissions.
    Api,
    /// Forms submissions (`FORMS_RATE_LIMIT`).
    Forms,
    /// Single Send's own optional limit (`SINGLE_SEND_RATE_LIMIT`); it takes
    /// nothing from the API quota.
    SingleSend,
}

impl Limiter {
    /// The limiter's name in its Redis key.
    pub fn name(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Forms => "forms",
            Self::SingleSend => "single_send",
        }
    }
}

/// Permits reserved at once, for calls made one after another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitIds {
    key: String,
    id: String,
    /// The limiter's window (ms): a re-stamp keeps the log alive this long.
    window_ms: u64,
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
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The rate limiters shared by every replica.
    pub fn rate_limits(&self) -> RateLimits<'_> {
        RateLimits { store: self }
    }
}

impl RateLimits<'_> {
    /// Takes one call from the named limiter's quota, if any is left.
    pub async fn try_acquire(&self, limiter: Limiter, quota: Quota) -> Result<Permit, StoreError> {
        Ok(match self.reserve(limiter, quota, 1).await? {
            Reservation::Granted(_) => Permit::Granted,
            Reservation::Wait(wait) => Permit::Wait(wait),
        })
    }

    /// Takes `permits` calls from the named limiter's quota at once, or none
    /// (then says how long until that many are free); asking for more than
    /// the quota's maximum asks for the maximum. Each permit can then be
    /// re-stamped once its call is made ([`Self::use_permit`]), so the window
    /// never frees it before HubSpot does, or given back
    /// ([`Self::release_permit`]).
    pub async fn reserve(
        &self,
        limiter: Limiter,
        quota: Quota,
        permits: u32,
    ) -> Result<Reservation, StoreError> {
        self.reserve_leaving(limiter, quota, permits, 0).await
    }

    /// [`Self::reserve`] for work that may only use spare quota: granted
    /// only when `keep_free` permits stay free afterwards, so that it never
    /// takes a permit that more urgent calls are about to need.
    pub async fn reserve_leaving(
        &self,
        limiter: Limiter,
        quota: Quota,
        permits: u32,
        keep_free: u32,
    ) -> Result<Reservation, StoreError> {
        let permits = permits.clamp(1, quota.max);
        let keep_free = keep_free.min(quota.max - permits);
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut invocation = RATE_LIMIT.prepare_invoke();
        invocation
            .key(self.store.keys.rate_limit(limiter.name()))
            .arg(quota.max)
            .arg(crate::clock::millis(quota.window))
            .arg(&id)
            .arg(permits)
            .arg(keep_free);
        let mut conn = self.store.connection();
        let wait_ms: u64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(if wait_ms == 0 {
            Reservation::Granted(PermitIds {
                key: self.store.keys.rate_limit(limiter.name()),
                id,
                window_ms: crate::clock::millis(quota.window),
            })
        } else {
            Reservation::Wait(Duration::from_millis(wait_ms))
        })
    }

    /// Re-stamps reserved permit `index` (1-based) with the Redis time now,
    /// and keeps the limiter's log alive for a window from now.
    pub async fn use_permit(&self, permits: &PermitIds, index: u32) -> Result<(), StoreError> {
        let mut invocation = RESTAMP.prepare_invoke();
        invocation
            .key(&permits.key)
            .arg(format!("{}:{index}", permits.id))
            .arg(permits.window_ms);
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(())
    }

    /// Gives reserved permit `index` (1-based) back: its call will not be
    /// made after all.
    pub async fn release_permit(&self, permits: &PermitIds, index: u32) -> Result<(), StoreError> {
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(
                redis::cmd("ZREM")
                    .arg(&permits.key)
                    .arg(format!("{}:{index}", permits.id))
                    .query_async(&mut conn),
            )
            .await?;
        Ok(())
    }

    /// HubSpot answered 429: every replica holds its calls of the named
    /// limiter for `wait` (the limiter's window fills until then; a longer
    /// hold already in place stays).
    pub async fn hold(
        &self,
        limiter: Limiter,
        quota: Quota,
        wait: Duration,
    ) -> Result<(), StoreError> {
        let mut invocation = HOLD.prepare_invoke();
        invocation
            .key(self.store.keys.rate_limit(limiter.name()))
            .arg(quota.max)
            .arg(crate::clock::millis(quota.window))
            .arg(crate::clock::millis(wait).max(1));
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(())
    }

    /// How many permits of the named limiter are free now (Redis clock; an
    /// estimate for pacing, not a reservation).
    pub async fn permits_free(&self, limiter: Limiter, quota: Quota) -> Result<u32, StoreError> {
        let mut invocation = USED.prepare_invoke();
        invocation
            .key(self.store.keys.rate_limit(limiter.name()))
            .arg(crate::clock::millis(quota.window));
        let mut conn = self.store.connection();
        let used: u64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(quota
            .max
            .saturating_sub(u32::try_from(used).unwrap_or(u32::MAX)))
    }
}

impl RateLimits<'_> {
    /// How many permits of the named limiter are in its window at `now_ms`
    /// (this host's clock), read with a plain `ZCOUNT`: no script, so a
    /// read-only Redis user (the `status` command's) may run it.
    pub async fn in_use_read_only(
        &self,
        limiter: Limiter,
        quota: Quota,
        now_ms: u64,
    ) -> Result<u32, StoreError> {
        let since = now_ms.saturating_sub(crate::clock::millis(quota.window));
        let mut conn = self.store.connection();
        let used: u64 = self
            .store
            .bounded(redis::AsyncCommands::zcount(
                &mut conn,
                self.store.keys.rate_limit(limiter.name()),
                format!("({since}"),
                "+inf",
            ))
            .await?;
        Ok(u32::try_from(used).unwrap_or(u32::MAX))
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
