//! Queue depths as gauges, refreshed periodically for `/metrics`.

use std::sync::Arc;

use super::consumer::CONSUMER_GROUP;
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
        let partitions = store.event_partitions_in_use().await?;
        let (stream_length, stream_pending) =
            store.stream_depth(CONSUMER_GROUP, partitions).await?;
        let (open_signups, due_signups) = store.signups().depths().await?;
        let depths = Depths {
            stream_length,
            stream_pending,
            open_signups,
            due_signups,
            forms_retry_queue: store.forms_retry_queue().depth().await?,
        };
        metrics::gauge!(catalog::EVENT_STREAM_LENGTH).set(depths.stream_length as f64);
        metrics::gauge!(catalog::EVENT_STREAM_PENDING).set(depths.stream_pending as f64);
        metrics::gauge!(catalog::OPEN_SIGNUPS).set(depths.open_signups as f64);
        metrics::gauge!(catalog::CHECK_QUEUE_DEPTH).set(depths.due_signups as f64);
        metrics::gauge!(catalog::FORMS_RETRY_QUEUE_DEPTH).set(depths.forms_retry_queue as f64);
        Ok(depths)
    }
}
