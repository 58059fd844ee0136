//! Recording webhook events. Events are partitioned by contact id over
//! `EVENT_STREAM_PARTITIONS` streams, each with its dedupe markers in its own
//! slot: a batch costs one script call per partition it touches (run
//! concurrently), each all or nothing. If any call fails the whole batch
//! fails (503) and HubSpot retries it; the partitions already written then
//! dedupe the retry. While the partition count is being changed, markers are
//! also looked for and written where the other count puts them (see
//! `partitions.rs`).

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use futures_util::future::join_all;
use redis::Script;

use crate::domain::ContactEvent;
use crate::store::{Events, StoreError};

static RECORD_EVENTS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/record_events.lua")));

/// What became of one event of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordOutcome {
    /// Newly recorded, under this stream entry id.
    Recorded(String),
    /// Seen within the dedupe window: nothing written.
    Duplicate,
}

impl Events<'_> {
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
        let others = self.other_live_counts(dedupe_window).await?;
        let foreign = self.foreign_markers(events, &others);
        let seen_elsewhere = if foreign.is_empty() {
            vec![false; events.len()]
        } else {
            self.seen_elsewhere(events, &foreign).await?
        };
        let mut by_partition: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
        for (index, event) in events.iter().enumerate() {
            if seen_elsewhere[index] {
                continue;
            }
            let partition = self.store.keys.event_partition_of(event.contact_id);
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
        if !foreign.is_empty() {
            // After recording: a failure here fails the delivery, and
            // HubSpot's retry writes them again.
            self.mirror_markers(events, &foreign, dedupe_window).await?;
        }
        Ok(outcomes)
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
            .key(self.store.keys.event_stream(partition))
            .arg(dedupe_window.as_secs().max(1))
            .arg(received_at);
        for event in &events {
            invocation
                .key(self.store.keys.event_seen(partition, &event.identity))
                .arg(event.identity.as_str())
                .arg(&event.subscription_type)
                .arg(event.portal_id.get())
                .arg(event.contact_id.get())
                .arg(event.occurred_at.map(|t| t.to_string()).unwrap_or_default())
                .arg(event.property_name.as_deref().unwrap_or_default())
                .arg(&event.stored_json)
                .arg(event.email_fingerprint.as_deref().unwrap_or_default());
        }
        let mut conn = self.store.connection();
        let replies: Vec<redis::Value> = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
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
