//! Consuming the event stream's partitions through a consumer group (one
//! group per partition stream, all under one name). Each entry is a hint
//! that wakes the open signups of its contact (or, for an `email` change, of
//! that address), then is acknowledged: an event for a contact without open
//! signups writes nothing; an entry left by a
//! crashed consumer is reclaimed once idle; one that keeps failing is
//! dead-lettered after `STREAM_MAX_DELIVERIES`. A group that disappears is
//! recreated; a consumer that stops cleanly hands its entries back and leaves.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::consumer_group::CONSUMER_GROUP;
use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::domain::{ContactId, EventKind};
use crate::store::{DeadLetter, DeadLetterSource};
use crate::store::{StoreError, StreamEntry, StreamWaiter};

mod membership;
mod reclaim;
mod reclaim_scan;

use reclaim_scan::ReclaimScan;

/// How long the contact an `email` change named for an address is kept as a
/// hint for its signups' checks (they are due at once; a hinted contact not
/// visible yet is checked again soon, for this long at most).
const CONTACT_HINT_TTL: std::time::Duration = std::time::Duration::from_secs(120);

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

/// One consumer of the event stream's partitions.
pub struct EventConsumer {
    ctx: Arc<WorkerContext>,
    /// Its name in the consumer group: the process's, numbered after the
    /// first when a process runs several (`EVENT_CONSUMERS`).
    name: String,
    state: Mutex<ConsumerState>,
    group_ready: AtomicBool,
    waiter: StreamWaiter,
}

/// What a consumer keeps between steps.
struct ConsumerState {
    /// Entries read for this consumer and not yet handled (at most one per
    /// partition per read; they are pending in Redis meanwhile, so a crash
    /// loses none: they are reclaimed).
    buffer: VecDeque<StreamEntry>,
    /// The partitions visited: this process's `EVENT_STREAM_PARTITIONS`, or
    /// the higher count another process registered.
    partitions: u16,
    scan: ReclaimScan,
}

/// How long an idle consumer blocks at most before it looks again for
/// entries to reclaim.
const LONGEST_WAIT: Duration = Duration::from_secs(2);

impl EventConsumer {
    /// A consumer named after the process.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self::numbered(ctx, 0)
    }

    /// The process's consumer number `index` (0 is [`Self::new`]'s): each
    /// has its own name in the group, its own entries and its own blocking
    /// connection.
    pub fn numbered(ctx: Arc<WorkerContext>, index: usize) -> Self {
        let waiter = ctx.store.events().stream_waiter(LONGEST_WAIT);
        let name = match index {
            0 => ctx.name.clone(),
            n => format!("{}-{n}", ctx.name),
        };
        Self {
            name,
            state: Mutex::new(ConsumerState {
                buffer: VecDeque::new(),
                partitions: ctx.store.keys().event_partitions(),
                scan: ReclaimScan::new(),
            }),
            ctx,
            group_ready: AtomicBool::new(false),
            waiter,
        }
    }

    /// Processes at most one entry: one read earlier first, then a reclaimed
    /// one, else a new one; never blocks.
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
                if let Ok(mut state) = self.state.lock() {
                    state.scan.restart();
                }
                self.join_group().await?;
                Ok(ConsumeOutcome::Idle)
            }
            other => other,
        }
    }

    /// Waits for new events, blocking in Redis on a connection of its own,
    /// up to about `WORKER_POLL_INTERVAL` on a cluster (see
    /// `store::StreamWaiter`) and up to a few seconds on one node (any new
    /// event ends the wait at once), never past the next reclaim pass. What
    /// it reads is handled by the next steps.
    pub async fn wait_for_events(&self) -> Result<(), StoreError> {
        let (partitions, until_pass) = match self.state.lock() {
            Ok(state) => (
                state.partitions,
                state
                    .scan
                    .next_pass
                    .saturating_duration_since(Instant::now()),
            ),
            Err(_) => return Ok(()),
        };
        let poll = self.ctx.settings.poll_interval;
        let longest = LONGEST_WAIT.min(until_pass).max(poll.min(LONGEST_WAIT));
        let entries = self
            .waiter
            .wait(CONSUMER_GROUP, &self.name, partitions, poll, longest)
            .await;
        match entries {
            Ok(entries) => {
                if let Ok(mut state) = self.state.lock() {
                    state.buffer.extend(entries);
                }
                Ok(())
            }
            Err(error) => {
                if error.is_missing_group() {
                    self.group_ready.store(false, Ordering::Relaxed);
                }
                Err(error)
            }
        }
    }

    async fn step(&self) -> Result<ConsumeOutcome, StoreError> {
        if !self.group_ready.load(Ordering::Relaxed) {
            self.join_group().await?;
        }
        let buffered = self
            .state
            .lock()
            .ok()
            .and_then(|mut s| s.buffer.pop_front());
        if let Some(entry) = buffered {
            return self.handle(entry, false).await;
        }
        if let Some(entry) = self.reclaim().await? {
            tracing::info!(entry = %entry.id, partition = entry.partition, deliveries = entry.deliveries, "reclaimed an unacknowledged event");
            return self.handle(entry, true).await;
        }
        let partitions = self.partitions();
        let mut entries = self
            .ctx
            .store
            .events()
            .read_stream_entries(CONSUMER_GROUP, &self.name, partitions)
            .await?
            .into_iter();
        let Some(first) = entries.next() else {
            return Ok(ConsumeOutcome::Idle);
        };
        if let Ok(mut state) = self.state.lock() {
            state.buffer.extend(entries);
        }
        self.handle(first, false).await
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
            store
                .events()
                .ack_stream_entry(CONSUMER_GROUP, &entry)
                .await?;
            worker_metrics::dead_letter(letter.source_label());
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
                crate::worker::check::CANDIDATE_PACE,
                CONTACT_HINT_TTL,
            )
            .await?;
        store
            .events()
            .ack_stream_entry(CONSUMER_GROUP, &entry)
            .await?;
        worker_metrics::event_consumed(reclaimed);
        tracing::debug!(contact_id = %contact, entry = %entry.id, woken, "event consumed");
        Ok(ConsumeOutcome::Consumed {
            contact,
            woken,
            reclaimed,
        })
    }
}
