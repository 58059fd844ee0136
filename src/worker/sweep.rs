//! The reconciliation sweep: every open signup older than `SWEEP_AFTER` is
//! looked at, so that nothing pending vanishes. An accepted signup queued for
//! the Forms API but missing from its queue goes back on it; a submitted
//! signup that fell out of the check queue is checked again; a record that
//! expired becomes a dead letter. A record whose request was never answered
//! 202 (still `submitting` after `IDEMPOTENCY_LEASE`) is never submitted: it
//! becomes a dead letter `never_accepted`. Each write is conditional, inside
//! its script, on the status the sweep read. Sent and dead-lettered signups
//! are not open, so they are never swept again. One replica sweeps at a
//! time; no HubSpot call is made.
//! A sweep reads the open set a page at a time from where the last one
//! stopped, so however many signups legitimately wait (a long launch), one
//! lost behind them is found.

use std::sync::Arc;
use std::time::Duration;

use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::clock::now_ms;
use crate::domain::{NEVER_ACCEPTED, SignupRecord, SignupStatus};
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
    /// Accepted (`queued`) signups put back on the Forms retry queue.
    pub requeued: usize,
    /// Signups whose request was never answered 202, retired as dead
    /// letters `never_accepted` (never submitted).
    pub never_accepted: usize,
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
            let Some(record) = record else {
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
            // Every write below is fenced by the status read here: a record
            // another writer moved on meanwhile is left as it is.
            match record.status {
                status if status.is_final() => {
                    store
                        .signups()
                        .retire(&record, status, ctx.settings.finished_ttl)
                        .await?;
                }
                SignupStatus::Submitting => {
                    if self.retire_never_accepted(record).await? {
                        report.never_accepted += 1;
                    }
                }
                SignupStatus::Queued => {
                    // Accepted, and missing from the Forms queue: queued again.
                    // No record is written; a signup submitted meanwhile is
                    // no longer `queued`, and the Forms retry skips it.
                    if !forms_queue.contains(id).await? {
                        forms_queue.schedule(id, Duration::ZERO).await?;
                        report.requeued += 1;
                    }
                }
                status => {
                    if store.checks().due_at(id).await?.is_none()
                        && store.signups().requeue_check(id, status).await?.stored()
                    {
                        tracing::info!(signup_id = %id, "sweep found a signup outside the check queue");
                        report.rescheduled.push(id.clone());
                    }
                }
            }
        }
        Ok(())
    }

    /// A `submitting` record older than `IDEMPOTENCY_LEASE`: its request was
    /// never answered 202 (a 503, a crash before the answer, a Redis error
    /// after its Forms call) and no longer can be. It is never submitted:
    /// it becomes a dead letter `never_accepted`, unless its request accepted
    /// it meanwhile. True when retired.
    async fn retire_never_accepted(&self, mut record: SignupRecord) -> Result<bool, StoreError> {
        let ctx = &self.ctx;
        let age = Duration::from_millis(now_ms().saturating_sub(record.submitted_at));
        if age <= ctx.accept_lease {
            return Ok(false);
        }
        record.status = SignupStatus::DeadLettered;
        record.last_error = Some(NEVER_ACCEPTED.to_owned());
        let written = ctx
            .store
            .signups()
            .retire(&record, SignupStatus::Submitting, ctx.settings.finished_ttl)
            .await?;
        if !written.stored() {
            return Ok(false);
        }
        ctx.store
            .dead_letters()
            .append(&DeadLetter::new(
                DeadLetterSource::Forms {
                    signup_id: record.signup_id.to_string(),
                },
                format!("{NEVER_ACCEPTED}: its request was not answered 202; never submitted"),
            ))
            .await?;
        worker_metrics::dead_letter(crate::store::source_label::FORMS);
        tracing::info!(signup_id = %record.signup_id, "a signup never accepted was retired");
        Ok(true)
    }
}
