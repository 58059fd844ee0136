//! The Forms retry queue's worker: submissions HubSpot could not take at once
//! are retried here, under the shared Forms quota, until they go through, are
//! rejected, or pass the retry horizon (then they are dead-lettered).

use std::time::Duration;

use super::intake::{Attempt, SignupIntake};
use super::telemetry as signup_metrics;
use crate::clock::now_ms;
use crate::domain::{PendingSignup, SignupStatus};
use crate::store::StoreError;

/// How long a claimed retry stays invisible to other workers.
const LEASE: Duration = Duration::from_secs(60);

/// What one step of the retry worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryOutcome {
    /// Nothing was due.
    Idle,
    Submitted,
    /// Still failing (or over quota): scheduled again.
    Rescheduled,
    /// HubSpot rejected the data: dead-lettered.
    Rejected,
    /// Past the retry horizon: dead-lettered.
    DeadLettered,
    /// The pending signup had expired or been removed.
    Vanished,
}

/// Drives the Forms retry queue.
#[derive(Debug, Clone)]
pub struct FormsRetry {
    pub intake: SignupIntake,
}

impl FormsRetry {
    /// Processes at most one due retry.
    pub async fn process_next(&self) -> Result<RetryOutcome, StoreError> {
        let store = &self.intake.store;
        let queue = store.keys().forms_retry_queue();
        let Some(fingerprint) = store
            .delay_claim(&queue, LEASE, 1)
            .await?
            .into_iter()
            .next()
        else {
            return Ok(RetryOutcome::Idle);
        };
        let Some(pending) = store
            .load_pending_signup_by_fingerprint(&fingerprint)
            .await?
        else {
            store.delay_remove(&queue, &fingerprint).await?;
            return Ok(RetryOutcome::Vanished);
        };
        let outcome = match self.intake.attempt(&pending).await? {
            Attempt::Submitted => {
                signup_metrics::submitted("retry");
                self.intake
                    .mark_submitted(&fingerprint, pending.attempts + 1)
                    .await;
                store.delay_remove(&queue, &fingerprint).await?;
                tracing::info!(signup_id = %pending.signup_id, attempts = pending.attempts + 1, "queued signup submitted");
                RetryOutcome::Submitted
            }
            Attempt::Rejected { errors, .. } => {
                signup_metrics::rejected(&errors);
                let types: Vec<&str> = errors.iter().map(|e| e.error_type.as_str()).collect();
                self.dead_letter(
                    &pending,
                    &format!("rejected by HubSpot: {}", types.join(", ")),
                )
                .await?;
                RetryOutcome::Rejected
            }
            Attempt::Later { wait, reason } => {
                let attempts = if reason == "local_rate_limit" {
                    pending.attempts
                } else {
                    pending.attempts + 1
                };
                let age = Duration::from_millis(now_ms().saturating_sub(pending.submitted_at));
                if age > self.intake.settings.forms_retry_horizon {
                    self.dead_letter(
                        &pending,
                        &format!("retry horizon passed; last error: {reason}"),
                    )
                    .await?;
                    RetryOutcome::DeadLettered
                } else {
                    store
                        .update_signup_status(
                            &fingerprint,
                            SignupStatus::Queued,
                            attempts,
                            Some(&reason),
                        )
                        .await?;
                    store.delay_schedule(&queue, &fingerprint, wait).await?;
                    RetryOutcome::Rescheduled
                }
            }
        };
        signup_metrics::retried(outcome_label(&outcome));
        Ok(outcome)
    }

    async fn dead_letter(&self, pending: &PendingSignup, reason: &str) -> Result<(), StoreError> {
        let store = &self.intake.store;
        let record = serde_json::to_string(pending).unwrap_or_default();
        store
            .dead_letter(&[
                ("source", "forms".to_owned()),
                ("reason", reason.to_owned()),
                ("signupId", pending.signup_id.clone()),
                ("signup", record),
                ("failedAt", now_ms().to_string()),
            ])
            .await?;
        store
            .delete_pending_signup(&pending.email.fingerprint())
            .await?;
        tracing::warn!(signup_id = %pending.signup_id, reason, "signup dead-lettered");
        Ok(())
    }
}

impl crate::worker::Step for RetryOutcome {
    fn is_idle(&self) -> bool {
        matches!(self, Self::Idle)
    }
}

fn outcome_label(outcome: &RetryOutcome) -> &'static str {
    match outcome {
        RetryOutcome::Idle => "idle",
        RetryOutcome::Submitted => "submitted",
        RetryOutcome::Rescheduled => "rescheduled",
        RetryOutcome::Rejected => "rejected",
        RetryOutcome::DeadLettered => "dead_lettered",
        RetryOutcome::Vanished => "vanished",
    }
}
