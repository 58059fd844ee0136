//! The partition counts in use, and dedupe across them.
//!
//! Every process that records events registers its `EVENT_STREAM_PARTITIONS`
//! in one hash (count to the last time a process registered it, refreshed
//! every minute). Consumers visit every partition below the highest count
//! registered, so no entry is stranded when the count changes.
//!
//! A count is live while a process registered it within the dedupe window
//! (its markers still stand). While another count is live, each batch also
//! looks for its events' markers where that count puts them (an event
//! recorded there is a duplicate) and writes its markers there too. So a
//! redelivery is recognised whichever count the process that receives it
//! uses: the process that registered later knows the other count, and covers
//! both directions.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::{RedisStore, StoreError};
use crate::domain::ContactEvent;

/// How often a process renews its count's registration (and rereads the others).
const REGISTRATION_PERIOD: Duration = Duration::from_secs(60);

/// What a process last learned of the registered counts.
#[derive(Debug, Default)]
pub(super) struct PartitionRegistry {
    registered_at: Option<Instant>,
    /// Each registered count, with when it was last registered (ms).
    counts: Vec<(u16, u64)>,
}

/// For each partition of another live count: the events whose markers are
/// looked for and written there (indexes into the batch).
pub(super) type ForeignMarkers = BTreeMap<u16, Vec<usize>>;

impl RedisStore {
    /// The highest partition count in use (this process's, or a higher one
    /// another process registered): the partitions consumers must visit.
    pub async fn event_partitions_in_use(&self) -> Result<u16, StoreError> {
        let mut conn = self.connection();
        let counts: Vec<String> = self
            .bounded(
                redis::cmd("HKEYS")
                    .arg(self.keys.event_partitions_seen())
                    .query_async(&mut conn),
            )
            .await?;
        Ok(counts
            .iter()
            .filter_map(|count| count.parse::<u16>().ok())
            .fold(self.keys.event_partitions(), u16::max))
    }

    /// Registers this process's count (at most once a period) and returns
    /// the other counts live within `dedupe_window`.
    pub(super) async fn other_live_counts(
        &self,
        dedupe_window: Duration,
    ) -> Result<Vec<u16>, StoreError> {
        let due = match self.partition_registry.lock() {
            Ok(registry) => registry
                .registered_at
                .is_none_or(|at| at.elapsed() >= REGISTRATION_PERIOD),
            Err(_) => true,
        };
        if due {
            let own = self.keys.event_partitions();
            let key = self.keys.event_partitions_seen();
            let mut pipe = redis::pipe();
            pipe.cmd("HSET")
                .arg(&key)
                .arg(own)
                .arg(crate::clock::now_ms())
                .ignore()
                .cmd("HGETALL")
                .arg(&key);
            let mut conn = self.connection();
            let (all,): (Vec<(String, u64)>,) = self.bounded(pipe.query_async(&mut conn)).await?;
            if let Ok(mut registry) = self.partition_registry.lock() {
                registry.registered_at = Some(Instant::now());
                registry.counts = all
                    .into_iter()
                    .filter_map(|(count, at)| Some((count.parse().ok()?, at)))
                    .collect();
            }
        }
        let now = crate::clock::now_ms();
        let window = u64::try_from(dedupe_window.as_millis()).unwrap_or(u64::MAX);
        let own = self.keys.event_partitions();
        Ok(self
            .partition_registry
            .lock()
            .map(|registry| {
                registry
                    .counts
                    .iter()
                    .filter(|(count, at)| *count != own && at.saturating_add(window) >= now)
                    .map(|(count, _)| *count)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Where the markers of `events` stand under the `others` counts, when
    /// that is not in their own partition.
    pub(super) fn foreign_markers(
        &self,
        events: &[ContactEvent],
        others: &[u16],
    ) -> ForeignMarkers {
        let mut foreign = ForeignMarkers::new();
        for (index, event) in events.iter().enumerate() {
            let own = self.keys.event_partition_of(event.contact_id);
            for count in others {
                let contact = event.contact_id.get() % u64::from((*count).max(1));
                let partition = u16::try_from(contact).unwrap_or(0);
                if partition != own {
                    foreign.entry(partition).or_default().push(index);
                }
            }
        }
        foreign
    }

    /// Which events of the batch have a marker under another count (one
    /// `MGET` per partition, all in flight at once).
    pub(super) async fn seen_elsewhere(
        &self,
        events: &[ContactEvent],
        foreign: &ForeignMarkers,
    ) -> Result<Vec<bool>, StoreError> {
        let lookups = foreign.iter().map(|(partition, indexes)| async move {
            let mut command = redis::cmd("MGET");
            for index in indexes {
                command.arg(self.keys.event_seen(*partition, &events[*index].identity));
            }
            let mut conn = self.connection();
            let found: Vec<Option<String>> = self.bounded(command.query_async(&mut conn)).await?;
            Ok::<_, StoreError>(found)
        });
        let mut seen = vec![false; events.len()];
        for (indexes, found) in foreign.values().zip(join_all(lookups).await) {
            for (index, marker) in indexes.iter().zip(found?) {
                seen[*index] |= marker.is_some();
            }
        }
        Ok(seen)
    }

    /// Writes the batch's markers under the other counts too (`SET NX EX`,
    /// one pipeline per partition, all in flight at once).
    pub(super) async fn mirror_markers(
        &self,
        events: &[ContactEvent],
        foreign: &ForeignMarkers,
        dedupe_window: Duration,
    ) -> Result<(), StoreError> {
        let ttl = dedupe_window.as_secs().max(1);
        let writes = foreign.iter().map(|(partition, indexes)| async move {
            let mut pipe = redis::pipe();
            for index in indexes {
                pipe.cmd("SET")
                    .arg(self.keys.event_seen(*partition, &events[*index].identity))
                    .arg(1)
                    .arg("NX")
                    .arg("EX")
                    .arg(ttl)
                    .ignore();
            }
            let mut conn = self.connection();
            self.bounded(pipe.query_async::<()>(&mut conn)).await
        });
        join_all(writes).await.into_iter().collect()
    }
}
