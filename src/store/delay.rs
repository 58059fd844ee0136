//! Delay queues: sorted sets of members by due time (Redis clock). Nothing
//! sleeps per item; a poller claims what is due under a lease.

use std::sync::LazyLock;
use std::time::Duration;

use redis::{AsyncCommands, Script};

use super::{RedisStore, StoreError};
use crate::clock::millis;

static CLAIM: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/delay_claim.lua")));
static SCHEDULE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/delay_schedule.lua")));

impl RedisStore {
    /// Makes `member` due `delay` from now (replacing any earlier schedule).
    pub async fn delay_schedule(
        &self,
        queue: &str,
        member: &str,
        delay: Duration,
    ) -> Result<(), StoreError> {
        let mut invocation = SCHEDULE.prepare_invoke();
        invocation.key(queue).arg(millis(delay)).arg(member);
        let mut conn = self.connection();
        let _: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
        Ok(())
    }

    /// Claims up to `max` due members, each leased for `lease`.
    pub async fn delay_claim(
        &self,
        queue: &str,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<String>, StoreError> {
        let mut invocation = CLAIM.prepare_invoke();
        invocation.key(queue).arg(millis(lease)).arg(max);
        let mut conn = self.connection();
        self.bounded(invocation.invoke_async(&mut conn)).await
    }

    /// Removes a member (its work is done).
    pub async fn delay_remove(&self, queue: &str, member: &str) -> Result<(), StoreError> {
        let mut conn = self.connection();
        let _: i64 = self.bounded(conn.zrem(queue, member)).await?;
        Ok(())
    }

    /// Whether `member` is in the queue (due or not).
    pub async fn is_scheduled(&self, queue: &str, member: &str) -> Result<bool, StoreError> {
        let mut conn = self.connection();
        let score: Option<f64> = self.bounded(conn.zscore(queue, member)).await?;
        Ok(score.is_some())
    }

    /// Takes a lock that expires by itself after `ttl`; false when held by another.
    pub async fn try_lock(
        &self,
        key: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let mut conn = self.connection();
        let set: Option<String> = self.bounded(conn.set_options(key, owner, options)).await?;
        Ok(set.is_some())
    }

    /// Number of members waiting, due or not.
    pub async fn delay_len(&self, queue: &str) -> Result<u64, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.zcard(queue)).await
    }
}
