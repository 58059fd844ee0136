//! The reconciliation sweep: every open signup older than `SWEEP_AFTER` is
//! looked at, so that nothing pending vanishes. A signup whose Forms call
//! never finished (a crash, a Redis timeout after the app was answered) goes
//! back on the Forms queue; a submitted signup that fell out of the check
//! queue is checked again; a record that expired becomes a dead letter. Sent
//! and dead-lettered signups are not open, so they are never swept again.
//! One replica sweeps at a time; no HubSpot call is made. A sweep reads the
//! open set a page at a time from where the last one stopped, so however many
//! signups legitimately wait (a long launch), one lost behind them is found.

use std::sync::Arc;
use std::time::Duration;

use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::clock::now_ms;
use crate::domain::SignupStatus;
use crate::store::StoreError;
use crate::store::{DeadLetter, DeadLetterSource};
use crate::telemetry::catalog;

/// Open signups read (and their records loaded) at a time.
const SWEEP_BATCH: usize = 500;

/// Most pages one sweep goes through; the next sweep goes on where it
/// stopped (the cursor), so every open signup is seen, however many wait.
const SWEEP_PAGES: usize = 20;

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Another replica holds the sweep lock (or it is not time yet).
    pub skipped: bool,
    pub examined: usize,
    /// Submitted signups put back on the check queue.
    pub rescheduled: Vec<String>,
    /// Signups whose Forms submission was put back on the retry queue.
    pub requeued: usize,
    /// Signups whose record was gone: dead-lettered.
    pub dead_lettered: usize,
}

impl Step for SweepReport {
    fn is_idle(&self) -> bool {
        true
    }
}

/// Runs sweeps.
pub struct Sweeper {
    ctx: Arc<WorkerContext>,
}

impl Sweeper {
    /// A sweeper sharing the process's worker context.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self { ctx }
    }

    /// One sweep, if this replica gets the lock.
    pub async fn sweep_once(&self) -> Result<SweepReport, StoreError> {
        let ctx = &self.ctx;
        let store = &ctx.store;
        if !store
            .sweep_lock()
            .try_take(&ctx.name, ctx.settings.sweep_interval)
            .await?
        {
            return Ok(SweepReport {
                skipped: true,
                ..SweepReport::default()
            });
        }
        let cutoff = now_ms().saturating_sub(crate::clock::millis(ctx.settings.sweep_after));
        let cursor = store.sweep_cursor();
        let mut after = cursor.load().await?;
        let mut report = SweepReport::default();
        for _ in 0..SWEEP_PAGES {
            let page = cursor.page(after.as_ref(), cutoff, SWEEP_BATCH).await?;
            let open: Vec<String> = page.positions.iter().map(|(_, id)| id.clone()).collect();
            self.sweep_page(&open, &mut report).await?;
            // At the end of the open set, the next sweep starts over.
            after = page.positions.last().cloned().filter(|_| page.more);
            cursor.save(after.as_ref()).await?;
            if after.is_none() {
                break;
            }
        }
        metrics::counter!(catalog::SWEEP_SCHEDULED).increment(report.rescheduled.len() as u64);
        Ok(report)
    }

    /// Looks at one page of open signups.
    async fn sweep_page(
        &self,
        open: &[String],
        report: &mut SweepReport,
    ) -> Result<(), StoreError> {
        let ctx = &self.ctx;
        let store = &ctx.store;
        let records = store.signups().load_many(open).await?;
        report.examined += open.len();
        let forms_queue = store.forms_retry_queue();
        for (id, record) in open.iter().zip(records) {
            let Some(mut record) = record else {
                store
                    .dead_letters()
                    .append(&DeadLetter::new(
                        DeadLetterSource::Check {
                            signup_id: id.clone(),
                            contact: None,
                        },
                        "signup record expired or unreadable",
                    ))
                    .await?;
                store.signups().forget(id).await?;
                worker_metrics::dead_letter(crate::store::source_label::CHECKS);
                report.dead_lettered += 1;
                continue;
            };
            match record.status {
                status if status.is_final() => {
                    store
                        .signups()
                        .retire(&record, ctx.settings.finished_ttl)
                        .await?;
                }
                status if status.awaits_forms() => {
                    if !forms_queue.contains(id).await? {
                        record.status = SignupStatus::Queued;
                        store.signups().save(&record, ctx.pending_ttl).await?;
                        forms_queue.schedule(id, Duration::ZERO).await?;
                        report.requeued += 1;
                    }
                }
                _ => {
                    if store.checks().due_at(id).await?.is_none() {
                        store
                            .signups()
                            .submitted(&record, ctx.pending_ttl, Duration::ZERO)
                            .await?;
                        tracing::info!(signup_id = %id, "sweep found a signup outside the check queue");
                        report.rescheduled.push(id.clone());
                    }
                }
            }
        }
        Ok(())
    }
}
