//! The reconciliation sweep: a pending signup that made no progress for
//! `SWEEP_AFTER` is looked up by email and checked like a webhook would have
//! made it, so a lost or misconfigured subscription delays an email but never
//! loses it. One replica sweeps at a time.

use std::sync::Arc;
use std::time::Duration;

use super::hubspot_call::Call;
use super::{Step, WorkerContext};
use crate::clock::now_ms;
use crate::domain::{ContactId, SignupStatus};
use crate::store::StoreError;
use crate::telemetry::catalog;

/// Most stale signups looked at per sweep.
const SWEEP_BATCH: isize = 100;

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Another replica holds the sweep lock (or it is not time yet).
    pub skipped: bool,
    pub examined: usize,
    /// Contacts found by email and scheduled for a check.
    pub scheduled: Vec<ContactId>,
    /// Signups whose Forms submission was put back on the retry queue.
    pub requeued: usize,
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
        let keys = store.keys();
        if !store
            .try_lock(&keys.sweep_lock(), &ctx.name, ctx.settings.sweep_interval)
            .await?
        {
            return Ok(SweepReport {
                skipped: true,
                ..SweepReport::default()
            });
        }
        let cutoff = now_ms().saturating_sub(crate::clock::millis(ctx.settings.sweep_after));
        let stale = store.stale_pending_signups(cutoff, SWEEP_BATCH).await?;
        let mut report = SweepReport {
            examined: stale.len(),
            ..SweepReport::default()
        };
        for fingerprint in stale {
            let Some(pending) = store
                .load_pending_signup_by_fingerprint(&fingerprint)
                .await?
            else {
                store.delete_pending_signup(&fingerprint).await?;
                continue;
            };
            store.touch_pending_signup(&fingerprint).await?;
            if pending.status != SignupStatus::Submitted {
                if !store
                    .is_scheduled(&keys.forms_retry_queue(), &fingerprint)
                    .await?
                {
                    store
                        .delay_schedule(&keys.forms_retry_queue(), &fingerprint, Duration::ZERO)
                        .await?;
                    report.requeued += 1;
                }
                continue;
            }
            let email = pending.email.clone();
            let found = match ctx
                .call("crm_contact_by_email", || {
                    ctx.hubspot.get_contact_by_email(&email, &["email"])
                })
                .await?
            {
                Call::Done(found) => found,
                Call::Wait(_) => break,
                Call::Failed(error) => {
                    tracing::warn!(error = ?error, "sweep lookup failed");
                    continue;
                }
            };
            let Some(contact) = found.and_then(|c| ContactId::parse(&c.id).ok()) else {
                continue;
            };
            store
                .schedule_check(contact, Duration::ZERO, ctx.settings.check_lease)
                .await?;
            tracing::info!(contact_id = %contact, signup_id = %pending.signup_id, "sweep found a contact without a check");
            report.scheduled.push(contact);
        }
        metrics::counter!(catalog::SWEEP_SCHEDULED).increment(report.scheduled.len() as u64);
        Ok(report)
    }
}
