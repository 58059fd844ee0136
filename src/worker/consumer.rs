//! Consuming the event stream through a consumer group. Each entry is a hint
//! that wakes the open signups of its contact (or, for an `email` change, of
//! that address), then is acknowledged: an event for a contact without open
//! signups writes nothing; an entry left by a
//! crashed consumer is reclaimed once idle; one that keeps failing is
//! dead-lettered after `STREAM_MAX_DELIVERIES`. A group that disappears is
//! recreated; a consumer that stops cleanly hands its entries back and leaves.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::domain::{ContactId, EventKind};
use crate::store::{DeadLetter, DeadLetterSource};
use crate::store::{StoreError, StreamEntry};

/// How long the contact an `email` change named for an address is kept as a
/// hint for its signups' checks (they are due at once; a hinted contact not
/// visible yet is checked again soon, for this long at most).
const CONTACT_HINT_TTL: std::time::Duration = std::time::Duration::from_secs(120);

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
    ///
    /// When Redis says the group is gone (`NOGROUP`), it is recreated at once
    /// (reading the stream from its start: every entry still in it is
    /// unacknowledged), so later events are consumed without a restart.
    pub async fn process_next(&self) -> Result<ConsumeOutcome, StoreError> {
        match self.step().await {
            Err(error) if error.is_missing_group() => {
                tracing::warn!("the event stream's consumer group is gone; recreating it");
                metrics::counter!(crate::telemetry::catalog::CONSUMER_GROUP_RECREATED).increment(1);
                self.group_ready.store(false, Ordering::Relaxed);
                if let Ok(mut scan) = self.scan.lock() {
                    scan.cursor = "0-0".to_owned();
                }
                self.ctx.store.ensure_consumer_group(CONSUMER_GROUP).await?;
                self.group_ready.store(true, Ordering::Relaxed);
                Ok(ConsumeOutcome::Idle)
            }
            other => other,
        }
    }

    /// Leaves the group at a clean shutdown: this consumer's unacknowledged
    /// entries are handed back (reclaimable at once by the other consumers)
    /// and the consumer is deleted, so rolling deploys leave none behind.
    pub async fn leave(&self) {
        let store = &self.ctx.store;
        let idle = self.ctx.settings.stream_claim_idle;
        match store
            .leave_consumer_group(CONSUMER_GROUP, &self.ctx.name, idle)
            .await
        {
            Ok(handed_back) => {
                tracing::info!(consumer = %self.ctx.name, handed_back, "left the consumer group");
            }
            // Nothing to leave; or Redis is unreachable: the entries stay
            // pending and are reclaimed after STREAM_CLAIM_IDLE.
            Err(error) if error.is_missing_group() => {}
            Err(error) => {
                tracing::warn!(consumer = %self.ctx.name, error = ?error, "could not leave the consumer group");
            }
        }
    }

    async fn step(&self) -> Result<ConsumeOutcome, StoreError> {
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

    /// One `XAUTOCLAIM` step of the reclaim scan, when one is due. A new pass
    /// first deletes the consumers that dead processes left without entries.
    async fn reclaim(&self) -> Result<Option<StreamEntry>, StoreError> {
        let cursor = match self.scan.lock() {
            Ok(scan) if scan.cursor == "0-0" && Instant::now() < scan.next_pass => return Ok(None),
            Ok(scan) => scan.cursor.clone(),
            Err(_) => "0-0".to_owned(),
        };
        let idle = self.ctx.settings.stream_claim_idle;
        if cursor == "0-0" {
            let abandoned = abandoned_after(idle);
            let pruned = self
                .ctx
                .store
                .prune_idle_consumers(CONSUMER_GROUP, abandoned)
                .await?;
            if pruned > 0 {
                tracing::info!(pruned, "deleted consumers of processes that are gone");
            }
        }
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
        let event = entry.event();
        let contact = event.contact;
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
            let letter = DeadLetter::new(
                DeadLetterSource::Event {
                    entry_id: entry.id.clone(),
                    fields: entry.fields.clone().into_iter().collect(),
                },
                reason.clone(),
            );
            store.dead_letters().append(&letter).await?;
            store.ack_stream_entry(CONSUMER_GROUP, &entry.id).await?;
            worker_metrics::dead_letter("events");
            tracing::warn!(entry = %entry.id, reason, "event dead-lettered");
            return Ok(ConsumeOutcome::DeadLettered { entry_id: entry.id });
        }
        let Some(contact) = contact else {
            return Ok(ConsumeOutcome::Idle);
        };
        let fingerprint = event.email_fingerprint.as_deref();
        let creation = event.kind == EventKind::ContactCreation;
        if event.kind == EventKind::ContactDeletion {
            store
                .checks()
                .mark_contact_deleted(contact, self.ctx.settings.contact_wait_horizon)
                .await?;
        }
        let woken = store
            .checks()
            .wake(
                contact,
                fingerprint,
                creation,
                self.ctx.settings.early_check_interval,
                CONTACT_HINT_TTL,
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

/// How long a consumer without entries must have been silent to count as
/// abandoned: many reclaim periods, and never under a minute.
fn abandoned_after(claim_idle: std::time::Duration) -> std::time::Duration {
    (claim_idle * 10).max(std::time::Duration::from_secs(60))
}
