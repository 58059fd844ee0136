//! The dead-letter stream: work that failed for good, with its reason, kept
//! for operators to inspect and replay.

use std::collections::BTreeMap;

use redis::AsyncCommands;
use redis::streams::StreamRangeReply;

use super::{RedisStore, StoreError};

/// About how many dead letters are kept (the stream is capped).
pub const DEAD_LETTERS_KEPT: usize = 10_000;

/// One dead letter as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeadLetter {
    pub id: String,
    pub fields: BTreeMap<String, String>,
}

impl DeadLetter {
    /// A field's value, or "".
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

impl RedisStore {
    /// Appends a dead letter; `fields` must include `source` and `reason`.
    /// The stream keeps about the newest [`DEAD_LETTERS_KEPT`].
    pub async fn dead_letter(&self, fields: &[(&str, String)]) -> Result<String, StoreError> {
        let mut conn = self.connection();
        let cap = redis::streams::StreamMaxlen::Approx(DEAD_LETTERS_KEPT);
        self.bounded(conn.xadd_maxlen(self.keys.dead_letters(), cap, "*", fields))
            .await
    }
}

impl RedisStore {
    /// Dead letters, oldest first, at most `count`.
    pub async fn dead_letters(&self, count: usize) -> Result<Vec<DeadLetter>, StoreError> {
        let mut conn = self.connection();
        let reply: StreamRangeReply = self
            .bounded(conn.xrange_count(self.keys.dead_letters(), "-", "+", count))
            .await?;
        Ok(reply
            .ids
            .into_iter()
            .map(|entry| {
                let fields = entry
                    .map
                    .keys()
                    .filter_map(|k| entry.get::<String>(k).map(|v| (k.clone(), v)))
                    .collect();
                DeadLetter {
                    id: entry.id,
                    fields,
                }
            })
            .collect())
    }

    /// Removes a dead letter (after a replay).
    pub async fn remove_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.connection();
        let removed: i64 = self
            .bounded(conn.xdel(self.keys.dead_letters(), &[id]))
            .await?;
        Ok(removed > 0)
    }

    /// Puts an event back on the event stream (replaying a dead-lettered event).
    pub async fn re_record_event(&self, fields: &[(&str, String)]) -> Result<String, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.xadd(self.keys.event_stream(), "*", fields))
            .await
    }
}
