//! The partition counts in use, and dedupe across them.
//!
//! Every process that records events registers its `EVENT_STREAM_PARTITIONS`
//! in one hash (count to the last time a process registered it, refreshed
//! every minute while it records). Consumers visit every partition below the
//! highest live count, and a stale count's partitions while they hold
//! entries, so no entry is stranded when the count changes; a stale count
//! whose extra partitions are empty is dropped (`partition_counts.rs`).
//!
//! A count is live while a process registered it within the dedupe window
//! (its markers still stand). While another count is live, each batch also
//! looks for its events' markers where that count puts them (an event
//! recorded there is a duplicate) and writes its markers there too. So a
//! redelivery is recognised whichever count the process that receives it
//! uses: the process that registered later knows the other count, and covers
//! both directions.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use redis::Script;

use super::partition_counts::{CountsPlan, LIVENESS};
use crate::domain::ContactEvent;
use crate::store::{Events, StoreError};

/// How often a process renews its count's registration (and rereads the others).
const REGISTRATION_PERIOD: Duration = Duration::from_secs(60);

/// `partition_drop.lua`: drops a count unless it was registered again.
static DROP_COUNT: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/partition_drop.lua")));

/// For each partition of another live count: the events whose markers are
/// looked for and written there (indexes into the batch).
pub(in crate::store) type ForeignMarkers = BTreeMap<u16, Vec<usize>>;

impl Events<'_> {
    /// The partitions consumers must visit: this process's count, or a
    /// higher one a live process registered, or as many as a stale higher
    /// count's partitions still hold entries in. A stale count whose extra
    /// partitions are all empty is dropped from the registry (an entry stays
    /// in its stream until it is acknowledged, so an empty stream has nothing
    /// pending either). See [`CountsPlan`].
    pub async fn event_partitions_in_use(&self) -> Result<u16, StoreError> {
        let key = self.store.keys.event_partitions_seen();
        let mut conn = self.store.connection();
        let registered: Vec<(String, String)> = self
            .store
            .bounded(redis::cmd("HGETALL").arg(&key).query_async(&mut conn))
            .await?;
        let registered: Vec<(u16, u64)> = registered
            .iter()
            .filter_map(|(count, at)| Some((count.parse().ok()?, at.parse().ok()?)))
            .collect();
        let plan = CountsPlan::of(
            self.store.keys.event_partitions(),
            &registered,
            crate::clock::now_ms(),
            LIVENESS,
        );
        let Some(highest) = plan.highest_stale() else {
            return Ok(plan.floor);
        };
        // From the top down: the partitions above the highest one holding
        // entries need no visit.
        let mut top = highest;
        while top > plan.floor && self.partition_is_empty(top - 1).await? {
            top -= 1;
        }
        if top == plan.floor {
            for (count, at) in &plan.stale_above {
                let mut invocation = DROP_COUNT.prepare_invoke();
                invocation.key(&key).arg(*count).arg(*at);
                let dropped: i64 = self
                    .store
                    .bounded(invocation.invoke_async(&mut conn))
                    .await?;
                if dropped == 1 {
                    tracing::info!(
                        count,
                        "dropped a partition count no live process registers; its extra partitions are empty"
                    );
                }
            }
        }
        Ok(top)
    }

    /// Whether one partition's stream holds no entry.
    async fn partition_is_empty(&self, partition: u16) -> Result<bool, StoreError> {
        let mut conn = self.store.connection();
        let length: u64 = self
            .store
            .bounded(
                redis::cmd("XLEN")
                    .arg(self.store.keys.event_stream(partition))
                    .query_async(&mut conn),
            )
            .await?;
        Ok(length == 0)
    }

    /// Registers this process's count (at most once a period) and returns
    /// the other counts live within `dedupe_window`.
    pub(in crate::store) async fn other_live_counts(
        &self,
        dedupe_window: Duration,
    ) -> Result<Vec<u16>, StoreError> {
        let due = match self.store.partition_registry.lock() {
            Ok(registry) => registry
                .registered_at
                .is_none_or(|at| at.elapsed() >= REGISTRATION_PERIOD),
            Err(_) => true,
        };
        if due {
            let own = self.store.keys.event_partitions();
            let key = self.store.keys.event_partitions_seen();
            let mut pipe = redis::pipe();
            pipe.cmd("HSET")
                .arg(&key)
                .arg(own)
                .arg(crate::clock::now_ms())
                .ignore()
                .cmd("HGETALL")
                .arg(&key);
            let mut conn = self.store.connection();
            let (all,): (Vec<(String, u64)>,) =
                self.store.bounded(pipe.query_async(&mut conn)).await?;
            if let Ok(mut registry) = self.store.partition_registry.lock() {
                registry.registered_at = Some(Instant::now());
                registry.counts = all
                    .into_iter()
                    .filter_map(|(count, at)| Some((count.parse().ok()?, at)))
                    .collect();
            }
        }
        let now = crate::clock::now_ms();
        let window = u64::try_from(dedupe_window.as_millis()).unwrap_or(u64::MAX);
        let own = self.store.keys.event_partitions();
        Ok(self
            .store
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
    pub(in crate::store) fn foreign_markers(
        &self,
        events: &[ContactEvent],
        others: &[u16],
    ) -> ForeignMarkers {
        let mut foreign = ForeignMarkers::new();
        for (index, event) in events.iter().enumerate() {
            let own = self.store.keys.event_partition_of(event.contact_id);
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
    pub(in crate::store) async fn seen_elsewhere(
        &self,
        events: &[ContactEvent],
        foreign: &ForeignMarkers,
    ) -> Result<Vec<bool>, StoreError> {
        let lookups = foreign.iter().map(|(partition, indexes)| async move {
            let mut command = redis::cmd("MGET");
            for index in indexes {
                command.arg(
                    self.store
                        .keys
                        .event_seen(*partition, &events[*index].identity),
                );
            }
            let mut conn = self.store.connection();
            let found: Vec<Option<String>> =
                self.store.bounded(command.query_async(&mut conn)).await?;
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
    pub(in crate::store) async fn mirror_markers(
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
                    .arg(
                        self.store
                            .keys
                            .event_seen(*partition, &events[*index].identity),
                    )
                    .arg(1)
                    .arg("NX")
                    .arg("EX")
                    .arg(ttl)
                    .ignore();
            }
            let mut conn = self.store.connection();
            self.store.bounded(pipe.query_async::<()>(&mut conn)).await
        });
        join_all(writes).await.into_iter().collect()
    }
}
