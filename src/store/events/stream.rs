//! Reading the partitioned event stream through a consumer group: new entries
//! (one per partition per read, so that no partition starves another), and
//! entries a crashed consumer left unacknowledged (reclaimed once idle long
//! enough). On one node a read spans every partition in one command; on a
//! cluster, where a command cannot span slots, it is one command per
//! partition, all in flight at once.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::join_all;
use redis::streams::{StreamAutoClaimReply, StreamPendingCountReply, StreamReadReply};

use crate::clock::millis;
use crate::store::{Events, RedisConnection, StoreError, StreamEntry};

impl Events<'_> {
    /// Creates the consumer group (reading from the start) on each of the
    /// first `partitions` streams where it does not exist.
    pub async fn ensure_consumer_group(
        &self,
        group: &str,
        partitions: u16,
    ) -> Result<(), StoreError> {
        let creations = (0..partitions).map(|partition| async move {
            let mut conn = self.store.connection();
            let command = redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(self.store.keys.event_stream(partition))
                .arg(group)
                .arg("0")
                .arg("MKSTREAM")
                .to_owned();
            match self
                .store
                .bounded(command.query_async::<()>(&mut conn))
                .await
            {
                Err(StoreError::Redis(e)) if e.code() == Some("BUSYGROUP") => Ok(()),
                other => other,
            }
        });
        join_all(creations).await.into_iter().collect()
    }

    /// Reclaims one entry of `partition` idle for at least `min_idle`,
    /// scanning from `cursor`; returns it (if any) and the cursor for the
    /// next call (`0-0` once the partition is scanned through).
    pub async fn reclaim_stream_entry(
        &self,
        group: &str,
        consumer: &str,
        partition: u16,
        min_idle: Duration,
        cursor: &str,
    ) -> Result<(Option<StreamEntry>, String), StoreError> {
        let mut conn = self.store.connection();
        let command = redis::cmd("XAUTOCLAIM")
            .arg(self.store.keys.event_stream(partition))
            .arg(group)
            .arg(consumer)
            .arg(millis(min_idle))
            .arg(cursor)
            .arg("COUNT")
            .arg(1)
            .to_owned();
        let reply: StreamAutoClaimReply =
            self.store.bounded(command.query_async(&mut conn)).await?;
        let Some(entry) = reply.claimed.into_iter().next() else {
            return Ok((None, reply.next_stream_id));
        };
        let deliveries = self.delivery_count(group, partition, &entry.id).await?;
        Ok((
            Some(StreamEntry::from_stream_id(entry, partition, deliveries)),
            reply.next_stream_id,
        ))
    }

    /// Reads new entries for `consumer`, at most one per partition of the
    /// first `partitions`, without blocking.
    pub async fn read_stream_entries(
        &self,
        group: &str,
        consumer: &str,
        partitions: u16,
    ) -> Result<Vec<StreamEntry>, StoreError> {
        let conn = self.store.connection();
        if self.store.bounded(conn.is_cluster()).await? {
            let reads = (0..partitions).map(|partition| async move {
                self.read_group(self.store.connection(), group, consumer, &[partition], None)
                    .await
            });
            let mut entries = Vec::new();
            for read in join_all(reads).await {
                entries.extend(read?);
            }
            Ok(entries)
        } else {
            let all: Vec<u16> = (0..partitions).collect();
            self.read_group(conn, group, consumer, &all, None).await
        }
    }

    /// One `XREADGROUP` over `partitions` (which must share a slot on a
    /// cluster), at most one entry from each; blocking up to `block` on
    /// `conn` when given (a connection of the caller's own, then).
    pub(in crate::store) async fn read_group(
        &self,
        mut conn: RedisConnection,
        group: &str,
        consumer: &str,
        partitions: &[u16],
        block: Option<Duration>,
    ) -> Result<Vec<StreamEntry>, StoreError> {
        let streams: HashMap<String, u16> = partitions
            .iter()
            .map(|p| (self.store.keys.event_stream(*p), *p))
            .collect();
        let mut command = redis::cmd("XREADGROUP");
        command
            .arg("GROUP")
            .arg(group)
            .arg(consumer)
            .arg("COUNT")
            .arg(1);
        if let Some(block) = block {
            command.arg("BLOCK").arg(millis(block).max(1));
        }
        command.arg("STREAMS");
        for partition in partitions {
            command.arg(self.store.keys.event_stream(*partition));
        }
        for _ in partitions {
            command.arg(">");
        }
        let query = command.query_async::<Option<StreamReadReply>>(&mut conn);
        let reply = match block {
            // The caller's own connection: its timeout already covers the block.
            Some(_) => query.await?,
            None => self.store.bounded(query).await?,
        };
        Ok(reply
            .map(|reply| reply.keys)
            .unwrap_or_default()
            .into_iter()
            .flat_map(|key| {
                let partition = streams.get(&key.key).copied().unwrap_or(0);
                key.ids
                    .into_iter()
                    .map(move |id| StreamEntry::from_stream_id(id, partition, 1))
            })
            .collect())
    }

    async fn delivery_count(
        &self,
        group: &str,
        partition: u16,
        id: &str,
    ) -> Result<u64, StoreError> {
        let mut conn = self.store.connection();
        let command = redis::cmd("XPENDING")
            .arg(self.store.keys.event_stream(partition))
            .arg(group)
            .arg(id)
            .arg(id)
            .arg(1)
            .to_owned();
        let reply: StreamPendingCountReply =
            self.store.bounded(command.query_async(&mut conn)).await?;
        Ok(reply
            .ids
            .first()
            .map(|p| p.times_delivered as u64)
            .unwrap_or(1))
    }

    /// Acknowledges and deletes a processed entry in its partition.
    pub async fn ack_stream_entry(
        &self,
        group: &str,
        entry: &StreamEntry,
    ) -> Result<(), StoreError> {
        let stream = self.store.keys.event_stream(entry.partition);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("XACK")
            .arg(&stream)
            .arg(group)
            .arg(&entry.id)
            .ignore()
            .cmd("XDEL")
            .arg(&stream)
            .arg(&entry.id)
            .ignore();
        let mut conn = self.store.connection();
        self.store.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// Entries in the first `partitions` streams, and entries delivered but
    /// not yet acknowledged, summed.
    pub async fn stream_depth(
        &self,
        group: &str,
        partitions: u16,
    ) -> Result<(u64, u64), StoreError> {
        let depths = (0..partitions).map(|partition| self.partition_depth(group, partition));
        let mut total = (0, 0);
        for depth in join_all(depths).await {
            let (length, pending) = depth?;
            total = (total.0 + length, total.1 + pending);
        }
        Ok(total)
    }

    async fn partition_depth(&self, group: &str, partition: u16) -> Result<(u64, u64), StoreError> {
        let mut conn = self.store.connection();
        let stream = self.store.keys.event_stream(partition);
        let length: u64 = self
            .store
            .bounded(redis::cmd("XLEN").arg(&stream).query_async(&mut conn))
            .await?;
        let summary: redis::Value = self
            .store
            .bounded(
                redis::cmd("XPENDING")
                    .arg(&stream)
                    .arg(group)
                    .query_async(&mut conn),
            )
            .await
            .unwrap_or(redis::Value::Nil);
        let pending = match summary {
            redis::Value::Array(items) => match items.first() {
                Some(redis::Value::Int(n)) => u64::try_from(*n).unwrap_or(0),
                _ => 0,
            },
            _ => 0,
        };
        Ok((length, pending))
    }
}
