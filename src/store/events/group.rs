//! The consumer group's membership: leaving it cleanly, and noticing that it
//! is gone (a Redis restart without persistence, a failover to a lagging
//! replica, an operator's `FLUSHDB`).

use std::time::Duration;

use redis::streams::{StreamInfoConsumersReply, StreamPendingCountReply};

use crate::clock::millis;
use crate::store::{Events, StoreError};

/// The consumer that holds entries handed back by a consumer that left: they
/// are marked idle for the reclaim time, so that the next reclaim pass of any
/// live consumer takes them. One stable name, so it never piles up.
pub const HANDOFF_CONSUMER: &str = "handoff";

/// Pending entries looked at per round while handing back.
const HANDOFF_BATCH: usize = 100;

/// Rounds of hand-back at most (a consumer holds at most a few entries; this
/// only bounds the loop).
const HANDOFF_ROUNDS: usize = 100;

impl StoreError {
    /// Whether Redis answered `NOGROUP`: the stream or its consumer group no
    /// longer exists.
    pub fn is_missing_group(&self) -> bool {
        matches!(self, Self::Redis(e) if e.code() == Some("NOGROUP"))
    }
}

impl Events<'_> {
    /// Deletes the consumers of `group` that hold no entries and have not read
    /// for `min_idle`, in each of the first `partitions` streams: those of
    /// processes that died without leaving. A live consumer reads far more
    /// often; deleting one would be harmless anyway (its next read recreates
    /// it). Returns how many were deleted.
    pub async fn prune_idle_consumers(
        &self,
        group: &str,
        partitions: u16,
        min_idle: Duration,
    ) -> Result<usize, StoreError> {
        let mut pruned = 0;
        for partition in 0..partitions {
            pruned += self.prune_partition(group, partition, min_idle).await?;
        }
        Ok(pruned)
    }

    async fn prune_partition(
        &self,
        group: &str,
        partition: u16,
        min_idle: Duration,
    ) -> Result<usize, StoreError> {
        let stream = self.store.keys.event_stream(partition);
        let mut conn = self.store.connection();
        let reply: StreamInfoConsumersReply = self
            .store
            .bounded(
                redis::cmd("XINFO")
                    .arg("CONSUMERS")
                    .arg(&stream)
                    .arg(group)
                    .query_async(&mut conn),
            )
            .await?;
        let min_idle = usize::try_from(millis(min_idle)).unwrap_or(usize::MAX);
        let mut pruned = 0;
        for consumer in reply.consumers {
            if consumer.pending > 0 || consumer.idle < min_idle {
                continue;
            }
            let _: i64 = self
                .store
                .bounded(
                    redis::cmd("XGROUP")
                        .arg("DELCONSUMER")
                        .arg(&stream)
                        .arg(group)
                        .arg(&consumer.name)
                        .query_async(&mut conn),
                )
                .await?;
            pruned += 1;
        }
        Ok(pruned)
    }

    /// Leaves `group` in each of the first `partitions` streams: hands
    /// `consumer`'s unacknowledged entries to [`HANDOFF_CONSUMER`] (keeping
    /// their delivery counts, idle for `reclaim_idle` so that they are
    /// reclaimable at once), then deletes `consumer`. Returns how many
    /// entries were handed back. A partition without the group is skipped.
    pub async fn leave_consumer_group(
        &self,
        group: &str,
        consumer: &str,
        partitions: u16,
        reclaim_idle: Duration,
    ) -> Result<usize, StoreError> {
        let mut handed_back = 0;
        for partition in 0..partitions {
            match self
                .leave_partition(group, consumer, partition, reclaim_idle)
                .await
            {
                Ok(count) => handed_back += count,
                Err(error) if error.is_missing_group() => {}
                Err(error) => return Err(error),
            }
        }
        Ok(handed_back)
    }

    async fn leave_partition(
        &self,
        group: &str,
        consumer: &str,
        partition: u16,
        reclaim_idle: Duration,
    ) -> Result<usize, StoreError> {
        let stream = self.store.keys.event_stream(partition);
        let mut handed_back = 0;
        for _ in 0..HANDOFF_ROUNDS {
            let mut conn = self.store.connection();
            let pending: StreamPendingCountReply = self
                .store
                .bounded(
                    redis::cmd("XPENDING")
                        .arg(&stream)
                        .arg(group)
                        .arg("-")
                        .arg("+")
                        .arg(HANDOFF_BATCH)
                        .arg(consumer)
                        .query_async(&mut conn),
                )
                .await?;
            if pending.ids.is_empty() {
                break;
            }
            let mut claim = redis::cmd("XCLAIM");
            claim.arg(&stream).arg(group).arg(HANDOFF_CONSUMER).arg(0);
            for entry in &pending.ids {
                claim.arg(&entry.id);
            }
            // JUSTID: the delivery count is kept, not raised.
            claim.arg("IDLE").arg(millis(reclaim_idle)).arg("JUSTID");
            let _: redis::Value = self.store.bounded(claim.query_async(&mut conn)).await?;
            handed_back += pending.ids.len();
            if pending.ids.len() < HANDOFF_BATCH {
                break;
            }
        }
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(
                redis::cmd("XGROUP")
                    .arg("DELCONSUMER")
                    .arg(&stream)
                    .arg(group)
                    .arg(consumer)
                    .query_async(&mut conn),
            )
            .await?;
        Ok(handed_back)
    }
}
