//! Waiting for new events without polling: an idle consumer blocks in
//! `XREADGROUP ... BLOCK` on a connection of its own (a blocked command on
//! the shared multiplexed connection would hold up every other command).
//!
//! On one node one blocking read spans every partition, so any new event
//! ends the wait at once. On a cluster a command cannot span slots, and a
//! connection to one node serves one blocked command at a time, so the waiter
//! blocks on one partition at a time, rotating: each partition for its share
//! of the wait. An event in the partition being watched ends the wait at
//! once; one elsewhere is seen within one rotation (about one wait), as fast
//! as polling every partition each wait, at a fraction of the commands. With
//! several consumers (each rotating from its own random start) most events
//! are seen sooner.

use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use crate::store::{Events, RedisConnection, RedisStore, StoreError, StreamEntry};

/// Shortest block on a cluster partition (a rotation over many partitions
/// with a short wait would otherwise turn into polling).
const MIN_PARTITION_BLOCK: Duration = Duration::from_millis(20);

/// A blocking reader of the event partitions for one consumer.
pub struct StreamWaiter {
    store: RedisStore,
    conn: RedisConnection,
    next: AtomicU16,
}

impl Events<'_> {
    /// A waiter with its own connection; each wait blocks up to `longest`.
    pub fn stream_waiter(&self, longest: Duration) -> StreamWaiter {
        StreamWaiter {
            store: self.store.clone(),
            conn: self.store.conn.dedicated(self.store.timeout + longest),
            next: AtomicU16::new(rand::random()),
        }
    }
}

impl StreamWaiter {
    /// Blocks for new entries in the first `partitions` streams, read for
    /// `consumer` (at most one per partition): on one node up to `longest`
    /// (at most the `longest` given to [`Events::stream_waiter`]); on a
    /// cluster on one partition, for its share of `rotation`. Empty when
    /// none came.
    pub async fn wait(
        &self,
        group: &str,
        consumer: &str,
        partitions: u16,
        rotation: Duration,
        longest: Duration,
    ) -> Result<Vec<StreamEntry>, StoreError> {
        let partitions = partitions.max(1);
        let store = &self.store;
        if store.bounded(self.conn.is_cluster()).await? {
            let partition = self.next.fetch_add(1, Ordering::Relaxed) % partitions;
            let share = (rotation.min(longest) / u32::from(partitions)).max(MIN_PARTITION_BLOCK);
            store
                .events()
                .read_group(
                    self.conn.clone(),
                    group,
                    consumer,
                    &[partition],
                    Some(share),
                )
                .await
        } else {
            let all: Vec<u16> = (0..partitions).collect();
            store
                .events()
                .read_group(self.conn.clone(), group, consumer, &all, Some(longest))
                .await
        }
    }
}
