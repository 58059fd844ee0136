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

/// The stream fields `scripts/record_events.lua` writes, named in one place
/// (a test ties the script to them).
pub mod entry_field {
    pub const IDENTITY: &str = "identity";
    pub const TYPE: &str = "type";
    pub const PORTAL: &str = "portal";
    pub const CONTACT: &str = "contact";
    pub const OCCURRED_AT: &str = "occurredAt";
    pub const PROPERTY: &str = "property";
    pub const EVENT: &str = "event";
    pub const EMAIL_FINGERPRINT: &str = "emailFp";
    pub const RECEIVED_AT: &str = "receivedAt";
    /// Every field, in the order the script writes them.
    pub const ALL: [&str; 9] = [
        IDENTITY,
        TYPE,
        PORTAL,
        CONTACT,
        OCCURRED_AT,
        PROPERTY,
        EVENT,
        EMAIL_FINGERPRINT,
        RECEIVED_AT,
    ];
}

/// What the worker reads of a recorded event: a hint about one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    /// `None` when the entry carries no valid contact id.
    pub contact: Option<crate::domain::ContactId>,
    pub kind: crate::domain::EventKind,
    /// For an `email` change, the new address's fingerprint.
    pub email_fingerprint: Option<String>,
}

impl StreamEntry {
    /// The typed view of the entry.
    pub fn event(&self) -> RecordedEvent {
        let field = |name: &str| self.fields.get(name).map(String::as_str);
        RecordedEvent {
            contact: field(entry_field::CONTACT)
                .and_then(|c| crate::domain::ContactId::parse(c).ok()),
            kind: crate::domain::EventKind::from_subscription_type(
                field(entry_field::TYPE).unwrap_or_default(),
            ),
            email_fingerprint: field(entry_field::EMAIL_FINGERPRINT)
                .filter(|fp| !fp.is_empty())
                .map(str::to_owned),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContactId, EventKind};

    #[test]
    fn the_record_script_writes_exactly_the_named_fields() {
        let script = include_str!("scripts/record_events.lua");
        let xadd = &script[script.find("XADD").expect("the script appends with XADD")..];
        for name in entry_field::ALL {
            assert!(
                xadd.contains(&format!("'{name}'")),
                "the script does not write {name}"
            );
        }
        // One `'name', value` pair per line until the call closes.
        let written = xadd
            .lines()
            .skip(1)
            .take_while(|line| !line.trim_start().starts_with("else"))
            .filter(|line| line.trim_start().starts_with('\''))
            .count();
        assert_eq!(
            written,
            entry_field::ALL.len(),
            "the script writes unnamed fields"
        );
    }

    #[test]
    fn entries_read_as_typed_events() {
        let entry = StreamEntry {
            id: "1-0".to_owned(),
            fields: [
                (entry_field::CONTACT, "42"),
                (entry_field::TYPE, "contact.deletion"),
                (entry_field::EMAIL_FINGERPRINT, ""),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            deliveries: 1,
        };
        let event = entry.event();
        assert_eq!(event.contact, ContactId::new(42).ok());
        assert_eq!(event.kind, EventKind::ContactDeletion);
        assert_eq!(event.email_fingerprint, None);
    }
}
