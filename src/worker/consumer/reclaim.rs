//! The reclaim scan: entries that dead consumers left unacknowledged, in
//! every partition in turn, and the consumers they left behind.

use std::time::{Duration, Instant};

use super::EventConsumer;
use crate::store::{StoreError, StreamEntry};
use crate::worker::consumer_group::CONSUMER_GROUP;

impl EventConsumer {
    /// The reclaim scan's steps, when a pass is due: `XAUTOCLAIM` through
    /// each partition in turn until an entry is reclaimed or the pass ends. A
    /// new pass first looks for partitions another process added, and
    /// deletes the consumers that dead processes left without entries.
    pub(super) async fn reclaim(&self) -> Result<Option<StreamEntry>, StoreError> {
        let idle = self.ctx.settings.stream_claim_idle;
        let store = &self.ctx.store;
        let (mut partition, mut cursor, partitions) = match self.state.lock() {
            Ok(state) if state.scan.at_pass_start() && Instant::now() < state.scan.next_pass => {
                return Ok(None);
            }
            Ok(state) => (
                state.scan.partition,
                state.scan.cursor.clone(),
                state.partitions,
            ),
            Err(_) => return Ok(None),
        };
        let mut partitions = partitions;
        if partition == 0 && cursor == "0-0" {
            partitions = self.join_group().await?;
            let pruned = store
                .events()
                .prune_idle_consumers(CONSUMER_GROUP, partitions, abandoned_after(idle))
                .await?;
            if pruned > 0 {
                tracing::info!(pruned, "deleted consumers of processes that are gone");
            }
        }
        // Bounded, so that a long backlog of live consumers' entries is
        // scanned over several steps.
        for _ in 0..=partitions {
            let (entry, next) = store
                .events()
                .reclaim_stream_entry(CONSUMER_GROUP, &self.name, partition, idle, &cursor)
                .await?;
            let Ok(mut state) = self.state.lock() else {
                return Ok(entry);
            };
            let scan = &mut state.scan;
            scan.found |= entry.is_some();
            if next == "0-0" {
                partition += 1;
                if partition >= partitions {
                    if !scan.found {
                        scan.next_pass = Instant::now() + idle / 4;
                    }
                    scan.restart();
                    return Ok(entry);
                }
            }
            scan.partition = partition;
            scan.cursor = next.clone();
            if entry.is_some() {
                return Ok(entry);
            }
            cursor = next;
        }
        Ok(None)
    }
}

/// How long a consumer without entries must have been silent to count as
/// abandoned: many reclaim periods, and never under a minute.
fn abandoned_after(claim_idle: Duration) -> Duration {
    (claim_idle * 10).max(Duration::from_secs(60))
}
