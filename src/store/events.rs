//! Recording webhook events. Events are partitioned by contact id over
//! `EVENT_STREAM_PARTITIONS` streams, each with its dedupe markers in its own
//! slot: a batch costs one script call per partition it touches (run
//! concurrently), each all or nothing. If any call fails the whole batch
//! fails (503) and HubSpot retries it; the partitions already written then
//! dedupe the retry.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use futures_util::future::join_all;
use redis::Script;

use super::{RedisStore, StoreError};
use crate::domain::ContactEvent;

static RECORD_EVENTS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/record_events.lua")));

static REGISTER_PARTITIONS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/register_partitions.lua")));

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
    /// marker and its stream entry in its contact's partition; one script
    /// call per partition touched, all or nothing within each.
    pub async fn record_events(
        &self,
        events: &[ContactEvent],
        dedupe_window: Duration,
    ) -> Result<Vec<RecordOutcome>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.register_event_partitions().await?;
        let mut by_partition: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
        for (index, event) in events.iter().enumerate() {
            let partition = self.keys.event_partition_of(event.contact_id);
            by_partition.entry(partition).or_default().push(index);
        }
        let received_at = crate::clock::now_ms().to_string();
        let calls = by_partition.iter().map(|(partition, indexes)| {
            let batch: Vec<&ContactEvent> = indexes.iter().map(|i| &events[*i]).collect();
            self.record_partition(*partition, batch, dedupe_window, &received_at)
        });
        let results = join_all(calls).await;
        let mut outcomes = vec![RecordOutcome::Duplicate; events.len()];
        for (indexes, result) in by_partition.values().zip(results) {
            for (index, outcome) in indexes.iter().zip(result?) {
                outcomes[*index] = outcome;
            }
        }
        Ok(outcomes)
    }

    /// The highest partition count in use (this process's, or a higher one
    /// another process registered): the partitions consumers must visit.
    pub async fn event_partitions_in_use(&self) -> Result<u16, StoreError> {
        let mut conn = self.connection();
        let seen: Option<u16> = self
            .bounded(
                redis::cmd("GET")
                    .arg(self.keys.event_partitions_seen())
                    .query_async(&mut conn),
            )
            .await?;
        Ok(seen.unwrap_or(0).max(self.keys.event_partitions()))
    }

    /// Raises the registered partition count to this process's, once per
    /// process, before anything is recorded.
    async fn register_event_partitions(&self) -> Result<(), StoreError> {
        self.partitions_registered
            .get_or_try_init(|| async {
                let mut invocation = REGISTER_PARTITIONS.prepare_invoke();
                invocation
                    .key(self.keys.event_partitions_seen())
                    .arg(self.keys.event_partitions());
                let mut conn = self.connection();
                let _: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
                Ok::<(), StoreError>(())
            })
            .await
            .map(|_| ())
    }

    async fn record_partition(
        &self,
        partition: u16,
        events: Vec<&ContactEvent>,
        dedupe_window: Duration,
        received_at: &str,
    ) -> Result<Vec<RecordOutcome>, StoreError> {
        let mut invocation = RECORD_EVENTS.prepare_invoke();
        invocation
            .key(self.keys.event_stream(partition))
            .arg(dedupe_window.as_secs().max(1))
            .arg(received_at);
        for event in &events {
            invocation
                .key(self.keys.event_seen(partition, &event.identity))
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
