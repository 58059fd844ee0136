//! The write stage: each signup's outcome under the claim's fencing token,
//! then what follows only a written outcome (a dead letter, the metrics, the
//! batch report). A worker that lost its claim writes nothing and leaves no
//! letter for a signup another worker now holds.

use super::plan::Decision;
use super::reason::Reason;
use super::report::BatchReport;
use crate::domain::{SignupRecord, SignupStatus};
use crate::store::{CheckEnd, DeadLetter, DeadLetterSource, Finish, StoreError, source_label};
use crate::worker::WorkerContext;
use crate::worker::telemetry as worker_metrics;

/// Writes one signup's outcome (`record` is `None` when it vanished).
pub async fn write(
    ctx: &WorkerContext,
    signup_id: &str,
    record: Option<SignupRecord>,
    decision: Decision,
    token: &str,
    report: &mut BatchReport,
) -> Result<(), StoreError> {
    let mut record = record;
    let end = match &decision {
        Decision::Wait { after, .. } => CheckEnd::Wait(*after),
        Decision::Drop => CheckEnd::Drop,
        // Never reaches here unsent; were it to, it is checked again.
        Decision::Send(_) => CheckEnd::Wait(ctx.settings.poll_interval),
        Decision::Sent | Decision::Finished | Decision::DeadLetter { .. } => CheckEnd::Final,
    };
    if let Some(record) = record.as_mut() {
        match &decision {
            Decision::Wait { reason, charge, .. } => {
                if *charge {
                    record.checks = record.checks.saturating_add(1);
                }
                record.last_error = Some(reason.as_str().to_owned());
            }
            Decision::DeadLetter { detail, .. } => {
                record.status = SignupStatus::DeadLettered;
                record.last_error = Some(detail.clone());
            }
            _ => {}
        }
    }
    let ttl = match end {
        CheckEnd::Final => ctx.settings.finished_ttl,
        _ => ctx.pending_ttl,
    };
    let written = ctx
        .store
        .checks()
        .finish(Finish {
            signup_id,
            record: record.as_ref(),
            token,
            end,
            ttl,
            recheck: ctx.settings.poll_interval,
        })
        .await?;
    let id = signup_id.to_owned();
    tracing::trace!(signup_id = %id, written, decision = ?decision, "signup check written");
    if !written {
        report.fenced += 1;
        worker_metrics::check("fenced");
        tracing::warn!(signup_id = %id, "claim lost before the outcome was written; outcome dropped");
        return Ok(());
    }
    match decision {
        Decision::Sent => {
            worker_metrics::check("sent");
            report.sent.push(id);
        }
        Decision::Finished => {
            worker_metrics::check("waiting");
            report.waiting.push((id, Reason::Finished));
        }
        Decision::Drop => {
            worker_metrics::check("waiting");
            report.waiting.push((id, Reason::FormsPending));
        }
        Decision::Wait {
            reason,
            charge: true,
            ..
        } => {
            worker_metrics::check("waiting");
            report.waiting.push((id, reason));
        }
        Decision::Wait { reason, .. } => {
            worker_metrics::check("deferred");
            report.deferred.push((id, reason));
        }
        Decision::DeadLetter {
            reason,
            detail,
            correlation_id,
        } => {
            ctx.store
                .dead_letters()
                .append(
                    &DeadLetter::new(
                        DeadLetterSource::Check {
                            signup_id: id.clone(),
                            contact: record.and_then(|r| r.contact_id).map(|c| c.to_string()),
                        },
                        detail.clone(),
                    )
                    .with_correlation_id(correlation_id),
                )
                .await?;
            worker_metrics::check("dead_lettered");
            worker_metrics::dead_letter(source_label::CHECKS);
            tracing::warn!(signup_id = %id, reason = %reason, detail = %detail, "signup dead-lettered");
            report.dead_lettered.push((id, detail));
        }
        Decision::Send(_) => {
            // Carried out by the send stage before any write; never written as is.
            tracing::error!(signup_id = %id, "a send decision reached the write stage unsent");
        }
    }
    Ok(())
}
