//! Consuming the event stream through a consumer group. Each entry is a hint
//! that wakes the open signups of its contact (or, for an `email` change, of
//! that address), then is acknowledged: an event for a contact without open
//! signups writes nothing; an entry left by a
//! crashed consumer is reclaimed once idle; one that keeps failing is
//! dead-lettered after `STREAM_MAX_DELIVERIES`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::domain::ContactId;
use crate::store::{StoreError, StreamEntry};

/// The consumer group every replica's workers join.
pub const CONSUMER_GROUP: &str = "reactor-workers";

/// What one consumer step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumeOutcome {
    Idle,
    /// The entry woke the open signups of its contact or address (maybe none).
    Consumed {
        contact: ContactId,
        woken: u64,
        reclaimed: bool,
    },
    /// The entry failed too often, or cannot be read: dead-lettered.
    DeadLettered {
        entry_id: String,
    },
}

impl Step for ConsumeOutcome {
    fn is_idle(&self) -> bool {
        matches!(self, Self::Idle)
    }
}

/// One consumer of the event stream.
pub struct EventConsumer {
    ctx: Arc<WorkerContext>,
    scan: Mutex<ReclaimScan>,
    group_ready: AtomicBool,
}

/// Progress of the scan for entries that dead consumers left behind. A full
/// pass that finds nothing is not repeated at once: an entry only becomes
/// reclaimable after `STREAM_CLAIM_IDLE`, so a new pass every quarter of that
/// keeps the hot path to one read per new entry.
struct ReclaimScan {
    /// Where the next `XAUTOCLAIM` starts (`0-0`: a new pass).
    cursor: String,
    /// When a new pass may start.
    next_pass: Instant,
}

impl EventConsumer {
    /// A consumer named after the process.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self {
            ctx,
            scan: Mutex::new(ReclaimScan {
                cursor: "0-0".to_owned(),
                next_pass: Instant::now(),
            }),
            group_ready: AtomicBool::new(false),
        }
    }

    /// Processes at most one entry: a reclaimed one first, else a new one.
    pub async fn process_next(&self) -> Result<ConsumeOutcome, StoreError> {
        let store = &self.ctx.store;
        if !self.group_ready.load(Ordering::Relaxed) {
            store.ensure_consumer_group(CONSUMER_GROUP).await?;
            self.group_ready.store(true, Ordering::Relaxed);
        }
        let name = &self.ctx.name;
        let reclaimed = self.reclaim().await?;
        let (entry, was_reclaimed) = match reclaimed {
            Some(entry) => (entry, true),
            None => match store.read_stream_entry(CONSUMER_GROUP, name).await? {
                Some(entry) => (entry, false),
                None => return Ok(ConsumeOutcome::Idle),
            },
        };
        if was_reclaimed {
            tracing::info!(entry = %entry.id, deliveries = entry.deliveries, "reclaimed an unacknowledged event");
        }
        self.handle(entry, was_reclaimed).await
    }

    /// One `XAUTOCLAIM` step of the reclaim scan, when one is due.
    async fn reclaim(&self) -> Result<Option<StreamEntry>, StoreError> {
        let cursor = match self.scan.lock() {
            Ok(scan) if scan.cursor == "0-0" && Instant::now() < scan.next_pass => return Ok(None),
            Ok(scan) => scan.cursor.clone(),
            Err(_) => "0-0".to_owned(),
        };
        let idle = self.ctx.settings.stream_claim_idle;
        let (entry, next) = self
            .ctx
            .store
            .reclaim_stream_entry(CONSUMER_GROUP, &self.ctx.name, idle, &cursor)
            .await?;
        if let Ok(mut scan) = self.scan.lock() {
            if next == "0-0" && entry.is_none() {
                scan.next_pass = Instant::now() + idle / 4;
            }
            scan.cursor = next;
        }
        Ok(entry)
    }

    async fn handle(
        &self,
        entry: StreamEntry,
        reclaimed: bool,
    ) -> Result<ConsumeOutcome, StoreError> {
        let store = &self.ctx.store;
        let contact = entry
            .fields
            .get("contact")
            .and_then(|c| ContactId::parse(c).ok());
        let max = self.ctx.settings.stream_max_deliveries;
        let reason = match contact {
            None => Some("entry has no valid contact id".to_owned()),
            Some(_) if entry.deliveries > max => Some(format!(
                "delivered {} times without success",
                entry.deliveries
            )),
            Some(_) => None,
        };
        if let Some(reason) = reason {
            let mut fields: Vec<(&str, String)> = vec![
                ("source", "events".to_owned()),
                ("reason", reason.clone()),
                ("entryId", entry.id.clone()),
            ];
            for (key, value) in &entry.fields {
                fields.push((key.as_str(), value.clone()));
            }
            store.dead_letter(&fields).await?;
            store.ack_stream_entry(CONSUMER_GROUP, &entry.id).await?;
            worker_metrics::dead_letter("events");
            tracing::warn!(entry = %entry.id, reason, "event dead-lettered");
            return Ok(ConsumeOutcome::DeadLettered { entry_id: entry.id });
        }
        let Some(contact) = contact else {
            return Ok(ConsumeOutcome::Idle);
        };
        let fingerprint = entry
            .fields
            .get("emailFp")
            .map(String::as_str)
            .filter(|fp| !fp.is_empty());
        let kind = entry
            .fields
            .get("type")
            .map(String::as_str)
            .unwrap_or_default();
        let creation = kind.ends_with(".creation");
        if kind.ends_with(".deletion") {
            store
                .mark_contact_deleted(contact, self.ctx.settings.contact_wait_horizon)
                .await?;
        }
        let woken = store
            .wake_signups(
                contact,
                fingerprint,
                creation,
                self.ctx.settings.retry_base_delay,
            )
            .await?;
        if woken > 0 {
            self.ctx.wake.notify_waiters();
        }
        store.ack_stream_entry(CONSUMER_GROUP, &entry.id).await?;
        worker_metrics::event_consumed(reclaimed);
        tracing::debug!(contact_id = %contact, entry = %entry.id, woken, "event consumed");
        Ok(ConsumeOutcome::Consumed {
            contact,
            woken,
            reclaimed,
        })
    }
}
