//! Recording webhook events: dedupe marker and stream entry, atomically, one
//! round trip per batch.

use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use super::{RedisStore, StoreError};
use crate::domain::ContactEvent;

static RECORD_EVENTS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/record_events.lua")));

/// What became of one event of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordOutcome {
    /// Newly recorded, under this stream entry id.
    Recorded(String),
    /// Seen within the dedupe window: nothing written.
    Duplicate,
}

impl RedisStore {
    /// Records a batch: each event not seen within `dedupe_window` gets its
    /// marker and its stream entry; all or nothing, in one script call.
    pub async fn record_events(
        &self,
        events: &[ContactEvent],
        dedupe_window: Duration,
    ) -> Result<Vec<RecordOutcome>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let received_at = crate::clock::now_ms();
        let mut invocation = RECORD_EVENTS.prepare_invoke();
        invocation
            .key(self.keys.event_stream())
            .arg(dedupe_window.as_secs().max(1))
            .arg(received_at.to_string());
        for event in events {
            invocation
                .key(self.keys.event_seen(&event.identity))
                .arg(event.identity.as_str())
                .arg(&event.subscription_type)
                .arg(event.portal_id.get())
                .arg(event.contact_id.get())
                .arg(event.occurred_at.map(|t| t.to_string()).unwrap_or_default())
                .arg(event.property_name.as_deref().unwrap_or_default())
                .arg(&event.stored_json)
                .arg(event.email_fingerprint.as_deref().unwrap_or_default());
        }
        let mut conn = self.connection();
        let replies: Vec<redis::Value> = self.bounded(invocation.invoke_async(&mut conn)).await?;
        if replies.len() != events.len() {
            return Err(StoreError::Unexpected(format!(
                "{} results for {} events",
                replies.len(),
                events.len()
            )));
        }
        replies.into_iter().map(outcome).collect()
    }
}

fn outcome(reply: redis::Value) -> Result<RecordOutcome, StoreError> {
    match reply {
        redis::Value::Int(0) => Ok(RecordOutcome::Duplicate),
        redis::Value::BulkString(id) => Ok(RecordOutcome::Recorded(
            String::from_utf8_lossy(&id).into_owned(),
        )),
        redis::Value::SimpleString(id) => Ok(RecordOutcome::Recorded(id)),
        other => Err(StoreError::Unexpected(format!("{other:?}"))),
    }
}
