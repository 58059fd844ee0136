//! The Forms retry queue's worker: submissions HubSpot could not take at once
//! are retried here, under the shared Forms quota, until they go through, are
//! rejected, or pass the retry horizon (then they are dead-lettered). Each
//! entry is one signup: a newer signup for the same address is its own entry.

use std::time::Duration;

use crate::clock::now_ms;
use crate::domain::{SignupRecord, SignupStatus};
use crate::signup::SignupIntake;
use crate::signup::intake::Attempt;
use crate::store::{DeadLetter, DeadLetterSource};
use crate::store::{Guard, StoreError};

/// What one step of the retry worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryOutcome {
    /// Nothing was due; the next retry is due after this long, if any.
    Idle {
        next_due: Option<Duration>,
    },
    Submitted,
    /// Still failing (or over quota): scheduled again.
    Rescheduled,
    /// HubSpot rejected the data: dead-lettered.
    Rejected,
    /// Past the retry horizon: dead-lettered.
    DeadLettered,
    /// The signup is gone, or its Forms call is no longer pending.
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
        let queue = store.forms_retry_queue();
        let Some(signup_id) = queue
            .claim(self.intake.settings.forms_retry_lease, 1)
            .await?
            .into_iter()
            .next()
        else {
            return Ok(RetryOutcome::Idle {
                next_due: queue.next_due_in().await?,
            });
        };
        let record = match store.signups().load(&signup_id).await {
            // Only an accepted signup (`queued`) is ever submitted; a
            // `submitting` record's request was not answered 202.
            Ok(Some(record)) if record.status == SignupStatus::Queued => record,
            Ok(_) | Err(StoreError::Unexpected(_)) => {
                queue.remove(&signup_id).await?;
                return Ok(RetryOutcome::Vanished);
            }
            Err(error) => return Err(error),
        };
        let outcome = self.retry(record).await?;
        if outcome != RetryOutcome::Rescheduled {
            queue.remove(&signup_id).await?;
        }
        crate::signup::telemetry::retried(outcome_label(&outcome));
        Ok(outcome)
    }

    async fn retry(&self, mut record: SignupRecord) -> Result<RetryOutcome, StoreError> {
        let intake = &self.intake;
        let store = &intake.store;
        Ok(match intake.attempt(&record).await? {
            Attempt::Submitted => {
                crate::signup::telemetry::submitted("retry");
                record.attempts += 1;
                intake.mark_submitted(record).await?;
                RetryOutcome::Submitted
            }
            Attempt::Rejected { errors, .. } => {
                crate::signup::telemetry::rejected(&errors);
                let types: Vec<&str> = errors.iter().map(|e| e.error_type.as_str()).collect();
                self.dead_letter(
                    record,
                    &format!("rejected by HubSpot: {}", types.join(", ")),
                )
                .await?;
                RetryOutcome::Rejected
            }
            Attempt::Later { wait, reason } => {
                if reason != "local_rate_limit" {
                    record.attempts += 1;
                }
                let age = Duration::from_millis(now_ms().saturating_sub(record.submitted_at));
                if age > intake.settings.forms_retry_horizon {
                    self.dead_letter(
                        record,
                        &format!("retry horizon passed; last error: {reason}"),
                    )
                    .await?;
                    RetryOutcome::DeadLettered
                } else {
                    record.status = SignupStatus::Queued;
                    record.last_error = Some(reason);
                    store
                        .signups()
                        .save_if(
                            &record,
                            Guard::status(SignupStatus::Queued),
                            intake.settings.pending_ttl,
                        )
                        .await?;
                    store
                        .forms_retry_queue()
                        .schedule(&record.signup_id, wait)
                        .await?;
                    RetryOutcome::Rescheduled
                }
            }
        })
    }

    async fn dead_letter(&self, mut record: SignupRecord, reason: &str) -> Result<(), StoreError> {
        let store = &self.intake.store;
        record.status = SignupStatus::DeadLettered;
        record.last_error = Some(reason.to_owned());
        let ttl = self.intake.settings.pending_ttl;
        if !store
            .signups()
            .retire(&record, SignupStatus::Queued, ttl)
            .await?
            .stored()
        {
            return Ok(());
        }
        store
            .dead_letters()
            .append(&DeadLetter::new(
                DeadLetterSource::Forms {
                    signup_id: record.signup_id.clone(),
                },
                reason,
            ))
            .await?;
        crate::worker::dead_letter_counted(crate::store::source_label::FORMS);
        tracing::warn!(signup_id = %record.signup_id, reason, "signup dead-lettered");
        Ok(())
    }
}

impl crate::worker::Step for RetryOutcome {
    fn is_idle(&self) -> bool {
        matches!(self, Self::Idle { .. })
    }

    fn idle_wait(&self) -> Option<Duration> {
        match self {
            Self::Idle { next_due } => *next_due,
            _ => None,
        }
    }
}

fn outcome_label(outcome: &RetryOutcome) -> &'static str {
    match outcome {
        RetryOutcome::Idle { .. } => "idle",
        RetryOutcome::Submitted => "submitted",
        RetryOutcome::Rescheduled => "rescheduled",
        RetryOutcome::Rejected => "rejected",
        RetryOutcome::DeadLettered => "dead_lettered",
        RetryOutcome::Vanished => "vanished",
    }
}
