//! Reading the event stream through a consumer group: new entries, and entries
//! a crashed consumer left unacknowledged (reclaimed once idle long enough).

use std::collections::HashMap;
use std::time::Duration;

use redis::streams::{StreamAutoClaimReply, StreamId, StreamPendingCountReply, StreamReadReply};

use super::{RedisStore, StoreError};
use crate::clock::millis;

/// One stream entry handed to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEntry {
    pub id: String,
    pub fields: HashMap<String, String>,
    /// How many times it has been delivered, this time included.
    pub deliveries: u64,
}

impl StreamEntry {
    fn from_stream_id(entry: StreamId, deliveries: u64) -> Self {
        let fields = entry
            .map
            .keys()
            .filter_map(|k| entry.get::<String>(k).map(|v| (k.clone(), v)))
            .collect();
        Self {
            id: entry.id,
            fields,
            deliveries,
        }
    }
}

impl RedisStore {
    /// Creates the consumer group (reading from the start) if it does not exist.
    pub async fn ensure_consumer_group(&self, group: &str) -> Result<(), StoreError> {
        let mut conn = self.connection();
        let command = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(self.keys.event_stream())
            .arg(group)
            .arg("0")
            .arg("MKSTREAM")
            .to_owned();
        match self.bounded(command.query_async::<()>(&mut conn)).await {
            Err(StoreError::Redis(e)) if e.code() == Some("BUSYGROUP") => Ok(()),
            other => other,
        }
    }

    /// Reclaims one entry idle for at least `min_idle`, scanning from `cursor`;
    /// returns it (if any) and the cursor for the next call.
    pub async fn reclaim_stream_entry(
        &self,
        group: &str,
        consumer: &str,
        min_idle: Duration,
        cursor: &str,
    ) -> Result<(Option<StreamEntry>, String), StoreError> {
        let mut conn = self.connection();
        let command = redis::cmd("XAUTOCLAIM")
            .arg(self.keys.event_stream())
            .arg(group)
            .arg(consumer)
            .arg(millis(min_idle))
            .arg(cursor)
            .arg("COUNT")
            .arg(1)
            .to_owned();
        let reply: StreamAutoClaimReply = self.bounded(command.query_async(&mut conn)).await?;
        let Some(entry) = reply.claimed.into_iter().next() else {
            return Ok((None, reply.next_stream_id));
        };
        let deliveries = self.delivery_count(group, &entry.id).await?;
        Ok((
            Some(StreamEntry::from_stream_id(entry, deliveries)),
            reply.next_stream_id,
        ))
    }

    /// Reads one new entry for `consumer`, without blocking.
    pub async fn read_stream_entry(
        &self,
        group: &str,
        consumer: &str,
    ) -> Result<Option<StreamEntry>, StoreError> {
        let mut conn = self.connection();
        let command = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(group)
            .arg(consumer)
            .arg("COUNT")
            .arg(1)
            .arg("STREAMS")
            .arg(self.keys.event_stream())
            .arg(">")
            .to_owned();
        let reply: Option<StreamReadReply> = self.bounded(command.query_async(&mut conn)).await?;
        let entry = reply
            .and_then(|r| r.keys.into_iter().next())
            .and_then(|k| k.ids.into_iter().next());
        Ok(entry.map(|e| StreamEntry::from_stream_id(e, 1)))
    }

    async fn delivery_count(&self, group: &str, id: &str) -> Result<u64, StoreError> {
        let mut conn = self.connection();
        let command = redis::cmd("XPENDING")
            .arg(self.keys.event_stream())
            .arg(group)
            .arg(id)
            .arg(id)
            .arg(1)
            .to_owned();
        let reply: StreamPendingCountReply = self.bounded(command.query_async(&mut conn)).await?;
        Ok(reply
            .ids
            .first()
            .map(|p| p.times_delivered as u64)
            .unwrap_or(1))
    }

    /// Acknowledges and deletes a processed entry.
    pub async fn ack_stream_entry(&self, group: &str, id: &str) -> Result<(), StoreError> {
        let stream = self.keys.event_stream();
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("XACK")
            .arg(&stream)
            .arg(group)
            .arg(id)
            .ignore()
            .cmd("XDEL")
            .arg(&stream)
            .arg(id)
            .ignore();
        let mut conn = self.connection();
        self.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// Entries in the stream, and entries delivered but not yet acknowledged.
    pub async fn stream_depth(&self, group: &str) -> Result<(u64, u64), StoreError> {
        let mut conn = self.connection();
        let stream = self.keys.event_stream();
        let length: u64 = self
            .bounded(redis::cmd("XLEN").arg(&stream).query_async(&mut conn))
            .await?;
        let summary: redis::Value = self
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
