//! Writing the outcome of each signup of a checked batch under the claim's
//! fencing token, and reporting it (metrics, batch report).

use super::check::{BatchReport, Decided, Kind, SignupChecker};
use super::telemetry as worker_metrics;
use crate::store::{CheckEnd, Finish, StoreError};

impl SignupChecker {
    /// Writes one outcome under the claim's token.
    pub(super) async fn write(
        &self,
        decided: Decided,
        token: &str,
        report: &mut BatchReport,
    ) -> Result<(), StoreError> {
        let ctx = &self.ctx;
        let ttl = match decided.end {
            CheckEnd::Final => ctx.settings.finished_ttl,
            _ => ctx.pending_ttl,
        };
        let written = ctx
            .store
            .checks()
            .finish(Finish {
                signup_id: &decided.record.signup_id,
                record: Some(&decided.record),
                token,
                end: decided.end,
                ttl,
                recheck: ctx.settings.poll_interval,
            })
            .await?;
        let id = decided.record.signup_id.clone();
        if !written {
            report.fenced += 1;
            worker_metrics::check("fenced");
            tracing::warn!(signup_id = %id, "claim lost before the outcome was written; outcome dropped");
            return Ok(());
        }
        match decided.kind {
            Kind::Sent => {
                worker_metrics::check("sent");
                report.sent.push(id);
            }
            Kind::Waiting(reason) => {
                worker_metrics::check("waiting");
                report.waiting.push((id, reason));
            }
            Kind::Deferred(reason) => {
                worker_metrics::check("deferred");
                report.deferred.push((id, reason));
            }
            Kind::DeadLettered(reason) => {
                worker_metrics::check("dead_lettered");
                worker_metrics::dead_letter(crate::store::source_label::CHECKS);
                tracing::warn!(signup_id = %id, reason = %reason, "signup dead-lettered");
                report.dead_lettered.push((id, reason));
            }
        }
        Ok(())
    }
}
