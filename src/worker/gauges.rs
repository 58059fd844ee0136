//! Queue depths as gauges, refreshed periodically for `/metrics`.

use std::sync::Arc;

use super::consumer_group::CONSUMER_GROUP;
use super::{Step, WorkerContext};
use crate::store::StoreError;
use crate::telemetry::catalog;

/// Reports depths of the stream and queues.
pub struct GaugeReporter {
    ctx: Arc<WorkerContext>,
}

/// Depths seen by one refresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Depths {
    pub stream_length: u64,
    pub stream_pending: u64,
    pub open_signups: u64,
    pub due_signups: u64,
    pub forms_retry_queue: u64,
    /// Age of the oldest open signup (ms).
    pub oldest_open_ms: u64,
    /// How long the earliest Forms retry has been due (ms).
    pub forms_overdue_ms: u64,
}

impl Step for Depths {
    fn is_idle(&self) -> bool {
        true
    }
}

impl GaugeReporter {
    /// A reporter sharing the process's worker context.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self { ctx }
    }

    /// Reads the depths and publishes them as gauges.
    pub async fn refresh(&self) -> Result<Depths, StoreError> {
        let store = &self.ctx.store;
        let partitions = store.events().event_partitions_in_use().await?;
        let (stream_length, stream_pending) = store
            .events()
            .stream_depth(CONSUMER_GROUP, partitions)
            .await?;
        let (open_signups, due_signups) = store.signups().depths().await?;
        let reads = store.status_reads();
        let now = crate::clock::now_ms();
        let (_, oldest_open) = reads.sorted_set(&store.keys().signups_open()).await?;
        let (forms_retry_queue, earliest_retry) =
            reads.sorted_set(&store.keys().forms_retry_queue()).await?;
        let depths = Depths {
            stream_length,
            stream_pending,
            open_signups,
            due_signups,
            forms_retry_queue,
            oldest_open_ms: oldest_open.map_or(0, |at| now.saturating_sub(at)),
            forms_overdue_ms: earliest_retry.map_or(0, |due| now.saturating_sub(due)),
        };
        metrics::gauge!(catalog::EVENT_STREAM_LENGTH).set(depths.stream_length as f64);
        metrics::gauge!(catalog::EVENT_STREAM_PENDING).set(depths.stream_pending as f64);
        metrics::gauge!(catalog::OPEN_SIGNUPS).set(depths.open_signups as f64);
        metrics::gauge!(catalog::CHECK_QUEUE_DEPTH).set(depths.due_signups as f64);
        metrics::gauge!(catalog::FORMS_RETRY_QUEUE_DEPTH).set(depths.forms_retry_queue as f64);
        metrics::gauge!(catalog::OPEN_SIGNUPS_OLDEST_AGE_SECONDS)
            .set(depths.oldest_open_ms as f64 / 1000.0);
        metrics::gauge!(catalog::FORMS_RETRY_QUEUE_OLDEST_AGE_SECONDS)
            .set(depths.forms_overdue_ms as f64 / 1000.0);
        Ok(depths)
    }
}
