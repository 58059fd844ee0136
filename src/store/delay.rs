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

/// One delay queue (today the Forms retry queue); see
/// [`RedisStore::forms_retry_queue`].
#[derive(Debug, Clone)]
pub struct DelayQueue<'a> {
    pub(super) store: &'a RedisStore,
    pub(super) queue: String,
}

impl DelayQueue<'_> {
    /// Makes `member` due `delay` from now (replacing any earlier schedule).
    pub async fn schedule(&self, member: &str, delay: Duration) -> Result<(), StoreError> {
        let mut invocation = SCHEDULE.prepare_invoke();
        invocation.key(&self.queue).arg(millis(delay)).arg(member);
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(())
    }

    /// Claims up to `max` due members, each leased for `lease`.
    pub async fn claim(&self, lease: Duration, max: usize) -> Result<Vec<String>, StoreError> {
        let mut invocation = CLAIM.prepare_invoke();
        invocation.key(&self.queue).arg(millis(lease)).arg(max);
        let mut conn = self.store.connection();
        self.store.bounded(invocation.invoke_async(&mut conn)).await
    }

    /// Removes a member (its work is done).
    pub async fn remove(&self, member: &str) -> Result<(), StoreError> {
        let mut conn = self.store.connection();
        let _: i64 = self.store.bounded(conn.zrem(&self.queue, member)).await?;
        Ok(())
    }

    /// Whether `member` is in the queue (due or not).
    pub async fn contains(&self, member: &str) -> Result<bool, StoreError> {
        let mut conn = self.store.connection();
        let score: Option<f64> = self.store.bounded(conn.zscore(&self.queue, member)).await?;
        Ok(score.is_some())
    }

    /// Number of members waiting, due or not.
    pub async fn depth(&self) -> Result<u64, StoreError> {
        let mut conn = self.store.connection();
        self.store.bounded(conn.zcard(&self.queue)).await
    }
}
