//! Membership in the consumer group: joining it (creating it on each
//! partition in use) and leaving it cleanly.

use std::sync::atomic::Ordering;

use super::EventConsumer;
use crate::store::StoreError;
use crate::worker::consumer_group::CONSUMER_GROUP;

impl EventConsumer {
    /// Leaves the group at a clean shutdown: this consumer's unacknowledged
    /// entries (in every partition) are handed back, reclaimable at once by
    /// the other consumers, and the consumer is deleted, so rolling deploys
    /// leave none behind.
    pub async fn leave(&self) {
        let store = &self.ctx.store;
        let idle = self.ctx.settings.stream_claim_idle;
        let partitions = self.partitions();
        match store
            .events()
            .leave_consumer_group(CONSUMER_GROUP, &self.name, partitions, idle)
            .await
        {
            Ok(handed_back) => {
                tracing::info!(consumer = %self.name, handed_back, "left the consumer group");
            }
            // Redis is unreachable: the entries stay pending and are
            // reclaimed after STREAM_CLAIM_IDLE.
            Err(error) => {
                tracing::warn!(consumer = %self.name, error = ?error, "could not leave the consumer group");
            }
        }
    }

    /// The partitions visited, as last learned.
    pub(super) fn partitions(&self) -> u16 {
        self.state
            .lock()
            .map(|state| state.partitions)
            .unwrap_or_else(|_| self.ctx.store.keys().event_partitions())
    }

    /// Learns the partitions in use and creates the group on each.
    pub(super) async fn join_group(&self) -> Result<u16, StoreError> {
        let store = &self.ctx.store;
        let partitions = store.events().event_partitions_in_use().await?;
        store
            .events()
            .ensure_consumer_group(CONSUMER_GROUP, partitions)
            .await?;
        if let Ok(mut state) = self.state.lock() {
            state.partitions = partitions;
        }
        self.group_ready.store(true, Ordering::Relaxed);
        Ok(partitions)
    }
}
