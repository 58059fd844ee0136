//! One check step: a snapshot, the plan's decisions, and the stages that
//! carry them out. Claim a batch of due signups, sort them (the plan's
//! triage), confirm them together (the confirm stage: one or two calls for
//! the whole batch), send the ready ones (the send stage), and write every
//! outcome under the claim's fencing token (the write stage).

mod batch;
mod confirm;
#[cfg(test)]
mod fixtures;
mod health;
mod launch;
mod plan;
mod read;
mod reason;
mod report;
mod schedule;
mod send;
mod write;

use std::sync::Arc;

use self::plan::{Decision, Snapshot, Start};
use self::schedule::PlanSettings;
use super::WorkerContext;
use super::telemetry as worker_metrics;
use crate::store::{Limiter, StoreError};

pub use health::CallHealth;
pub use launch::{LAUNCH_STATUS_INTERVAL, LAUNCH_STATUS_LIMIT};
pub use reason::Reason;
pub use report::{BatchReport, CheckOutcome};
pub use schedule::CANDIDATE_PACE;

/// Runs signup checks from the due queue.
#[derive(Clone)]
pub struct SignupChecker {
    ctx: Arc<WorkerContext>,
}

impl SignupChecker {
    /// A checker sharing the process's worker context.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self { ctx }
    }

    /// Claims up to `CHECK_BATCH_SIZE` due signups and checks them together.
    pub async fn process_next(&self) -> Result<CheckOutcome, StoreError> {
        let ctx = &*self.ctx;
        let began = std::time::Instant::now();
        let p = PlanSettings::from(&ctx.settings);
        let snapshot = snapshot(ctx).await?;
        let economize = match plan::start(&snapshot, &p) {
            Start::Idle(next_due) => return Ok(CheckOutcome::Idle { next_due }),
            Start::Pause(wait) | Start::Linger(wait) => {
                return Ok(CheckOutcome::Idle {
                    next_due: Some(wait),
                });
            }
            Start::Claim { economize } => economize,
        };
        let token = format!("{}:{}", ctx.name, uuid::Uuid::new_v4().simple());
        let ids = ctx
            .store
            .checks()
            .claim(p.batch_size, ctx.settings.check_lease, &token)
            .await?;
        if ids.is_empty() {
            let next_due = ctx.store.checks().next_due_in().await?;
            return Ok(CheckOutcome::Idle { next_due });
        }
        worker_metrics::batch_claimed(ids.len());
        let records = ctx.store.signups().load_many(&ids).await?;
        let mut report = BatchReport {
            claimed: ids.len(),
            ..BatchReport::default()
        };
        let mut present = Vec::new();
        for (id, record) in ids.iter().zip(records) {
            match record {
                Some(record) => present.push(record),
                None => {
                    let vanished = Decision::DeadLetter {
                        reason: Reason::RecordVanished,
                        detail: "signup record expired or unreadable".to_owned(),
                        correlation_id: None,
                    };
                    write::write(ctx, id, None, vanished, &token, &mut report).await?;
                }
            }
        }
        let p = if economize { p.economized() } else { p };
        let decided = batch::check(ctx, present, snapshot.launch, &p).await?;
        for (record, decision) in decided {
            let id = record.signup_id.clone();
            write::write(ctx, &id, Some(record), decision, &token, &mut report).await?;
        }
        tracing::debug!(
            claimed = report.claimed,
            sent = report.sent.len(),
            waiting = report.waiting.len(),
            deferred = report.deferred.len(),
            dead_lettered = report.dead_lettered.len(),
            economize,
            elapsed_ms = began.elapsed().as_millis(),
            "signup batch checked"
        );
        Ok(CheckOutcome::Batch(report))
    }
}

/// What the step knows before it claims; Redis time throughout.
async fn snapshot(ctx: &WorkerContext) -> Result<Snapshot, StoreError> {
    let store = &ctx.store;
    let backlog = store
        .checks()
        .due_backlog(ctx.settings.check_batch_size)
        .await?;
    if backlog.due_now == 0 {
        // Nothing due: the rest does not matter.
        return Ok(Snapshot {
            backlog,
            free_permits: ctx.settings.api_quota.max,
            launch: false,
            paused: None,
        });
    }
    let quota = ctx.settings.api_quota;
    Ok(Snapshot {
        backlog,
        free_permits: store
            .rate_limits()
            .permits_free(Limiter::Api, quota)
            .await?,
        launch: launch::under_way(ctx).await?,
        paused: ctx.health.paused_for(),
    })
}
