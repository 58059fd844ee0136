//! Delay queues: sorted sets of members by due time (Redis clock). Nothing
//! sleeps per item; a worker claims what is due under a lease, and sleeps
//! until the next due time or a token on the wake list.

use std::sync::LazyLock;
use std::time::Duration;

use redis::{AsyncCommands, Script};

use crate::clock::millis;
use crate::store::{RedisStore, StoreError};

static CLAIM: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/delay_claim.lua")));
static SCHEDULE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/delay_schedule.lua")));
static DUE_WITHIN: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/delay_due_within.lua")));

impl RedisStore {
    /// How long until the earliest member of the sorted set `key` (scores:
    /// due times, ms) is due, zero if one is due now; reactor clock.
    pub(in crate::store) async fn earliest_due_in(
        &self,
        key: &str,
    ) -> Result<Option<Duration>, StoreError> {
        let mut conn = self.connection();
        let first: Vec<(String, f64)> = self.bounded(conn.zrange_withscores(key, 0, 0)).await?;
        Ok(first.first().map(|(_, score)| {
            Duration::from_millis((*score as u64).saturating_sub(crate::clock::now_ms()))
        }))
    }
}

/// One delay queue (today the Forms retry queue); see
/// [`RedisStore::forms_retry_queue`].
#[derive(Debug, Clone)]
pub struct DelayQueue<'a> {
    pub(in crate::store) store: &'a RedisStore,
    pub(in crate::store) queue: String,
}

impl RedisStore {
    /// The delay queue of signups waiting for a Forms retry.
    pub fn forms_retry_queue(&self) -> DelayQueue<'_> {
        DelayQueue {
            store: self,
            queue: self.keys.forms_retry_queue(),
        }
    }
}

impl DelayQueue<'_> {
    /// Makes `member` due `delay` from now (replacing any earlier schedule),
    /// then wakes an idle worker to see it. The wake-up is best effort (the
    /// member is queued either way; an idle worker looks again within its
    /// idle limit).
    pub async fn schedule(&self, member: &str, delay: Duration) -> Result<(), StoreError> {
        self.defer(member, delay).await?;
        if let Err(error) = self.store.wake_workers(member).await {
            tracing::warn!(error = ?error, "could not wake a worker for a scheduled retry");
        }
        Ok(())
    }

    /// Makes `member` due `delay` from now (replacing any earlier schedule),
    /// waking no one: for a member the worker that claimed it puts back
    /// (that worker sees the queue's next due time itself).
    pub async fn defer(&self, member: &str, delay: Duration) -> Result<(), StoreError> {
        let mut invocation = SCHEDULE.prepare_invoke();
        invocation.key(&self.queue).arg(millis(delay)).arg(member);
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(())
    }

    /// How long until the earliest member is due (zero if one is due now),
    /// if any is queued. Reactor clock.
    pub async fn next_due_in(&self) -> Result<Option<Duration>, StoreError> {
        self.store.earliest_due_in(&self.queue).await
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

    /// Members due now or within `horizon` (Redis clock): a member due in
    /// hours is queued, not pressing.
    pub async fn due_within(&self, horizon: Duration) -> Result<u64, StoreError> {
        let mut invocation = DUE_WITHIN.prepare_invoke();
        invocation.key(&self.queue).arg(millis(horizon));
        let mut conn = self.store.connection();
        self.store.bounded(invocation.invoke_async(&mut conn)).await
    }
}
