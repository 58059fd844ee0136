//! The Forms retry queue's worker: submissions HubSpot could not take at once
//! are retried here, under the shared Forms quota, until they go through, are
//! rejected, or pass the retry horizon (then they are dead-lettered). Each
//! entry is one signup: a newer signup for the same address is its own entry.
//!
//! The work is linear in the queue's size: a step claims only as many due
//! signups as the quota has permits free (none while it has none: the queue
//! is left alone), and a signup that still finds the quota used up (another
//! replica took the permit first) is put back a permit's interval apart from
//! the others, its record untouched and no worker woken. Every claimed signup
//! leaves the queue as a submission, a dead letter, or a signup that is no
//! longer waiting for its Forms call; a record that expired or cannot be read
//! becomes a dead letter too, never a silent drop.

use std::time::Duration;

use futures_util::future::join_all;

use super::forms_retry_plan::{Later, Retried, RetryReport, permit_spacing, plan_later};
use crate::clock::now_ms;
use crate::domain::{SignupRecord, SignupStatus};
use crate::signup::SignupIntake;
use crate::signup::forms_attempt::{Attempt, LOCAL_RATE_LIMIT};
use crate::store::{DeadLetter, DeadLetterSource, Guard, Limiter, StoreError};

/// Most signups claimed (and submitted at once) by one step.
const MOST_PER_STEP: u32 = 100;

/// What one step of the retry worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryOutcome {
    /// Nothing was claimed: nothing was due, or the quota had no permit
    /// free; worth looking again after this long, if anything is queued.
    Idle { next_due: Option<Duration> },
    /// Claimed signups, one per free permit, and what became of them.
    Batch(RetryReport),
}

/// Drives the Forms retry queue.
#[derive(Debug, Clone)]
pub struct FormsRetry {
    pub intake: SignupIntake,
    /// How long a dead-lettered signup's record (its email, fields and
    /// context) is kept: `SIGNUP_FINISHED_TTL`.
    pub finished_ttl: Duration,
}

impl FormsRetry {
    /// Claims as many due retries as there are permits free, and retries them.
    pub async fn process_next(&self) -> Result<RetryOutcome, StoreError> {
        let store = &self.intake.store;
        let queue = store.forms_retry_queue();
        match queue.next_due_in().await? {
            Some(wait) if wait.is_zero() => {}
            next_due => return Ok(RetryOutcome::Idle { next_due }),
        }
        let spacing = permit_spacing(self.intake.settings.forms_quota);
        let free = self.permits_free().await?.min(MOST_PER_STEP);
        if free == 0 {
            return Ok(RetryOutcome::Idle {
                next_due: Some(spacing),
            });
        }
        let claimed = queue
            .claim(self.intake.settings.forms_retry_lease, free as usize)
            .await?;
        if claimed.is_empty() {
            // Another worker took them first (or the clocks disagree).
            let next = queue.next_due_in().await?;
            return Ok(RetryOutcome::Idle {
                next_due: next.map(|due| due.max(spacing)),
            });
        }
        let records = store.signups().load_many(&claimed).await?;
        let done = join_all(
            claimed
                .iter()
                .zip(records)
                .zip(0_u32..)
                .map(|((id, record), position)| self.retry_one(id, record, position, spacing)),
        )
        .await;
        let mut report = RetryReport::default();
        for outcome in done {
            let retried = outcome?;
            crate::signup::telemetry::retried(retried.label());
            report.count(retried);
        }
        Ok(RetryOutcome::Batch(report))
    }

    /// Permits free now for a submission: of the Forms limit, and of the API
    /// quota too when submissions are authenticated.
    async fn permits_free(&self) -> Result<u32, StoreError> {
        let intake = &self.intake;
        let limits = intake.store.rate_limits();
        let forms = limits
            .permits_free(Limiter::Forms, intake.settings.forms_quota)
            .await?;
        if !intake.target.authenticated || forms == 0 {
            return Ok(forms);
        }
        let api = limits.permits_free(Limiter::Api, intake.api_quota).await?;
        Ok(forms.min(api))
    }

    /// Retries one claimed signup; its outcome's label.
    async fn retry_one(
        &self,
        signup_id: &str,
        record: Option<SignupRecord>,
        position: u32,
        spacing: Duration,
    ) -> Result<Retried, StoreError> {
        let store = &self.intake.store;
        let queue = store.forms_retry_queue();
        let retried = match record {
            None => {
                self.record_gone(signup_id).await?;
                Retried::DeadLettered
            }
            // Only an accepted signup (`queued`) is ever submitted; a
            // `submitting` record's request was not answered 202.
            Some(record) if record.status != SignupStatus::Queued => Retried::Superseded,
            Some(record) => self.retry(record, position, spacing).await?,
        };
        if retried.leaves_the_queue() {
            queue.remove(signup_id).await?;
        }
        Ok(retried)
    }

    /// One attempt; reschedules the signup itself when it stays queued.
    async fn retry(
        &self,
        mut record: SignupRecord,
        position: u32,
        spacing: Duration,
    ) -> Result<Retried, StoreError> {
        let intake = &self.intake;
        let store = &intake.store;
        Ok(match intake.attempt(&record).await? {
            Attempt::Submitted => {
                crate::signup::telemetry::submitted("retry");
                record.attempts += 1;
                intake.mark_submitted(record).await?;
                Retried::Submitted
            }
            Attempt::Rejected {
                errors,
                correlation_id,
                ..
            } => {
                crate::signup::telemetry::rejected(&errors);
                let types: Vec<&str> = errors.iter().map(|e| e.error_type.as_str()).collect();
                let reason = format!("rejected by HubSpot: {}", types.join(", "));
                self.dead_letter(record, &reason, correlation_id).await?;
                Retried::Rejected
            }
            Attempt::Later {
                wait,
                reason,
                correlation_id,
            } => {
                let age = Duration::from_millis(now_ms().saturating_sub(record.submitted_at));
                let local = reason == LOCAL_RATE_LIMIT;
                let horizon = intake.settings.forms_retry_horizon;
                match plan_later(age, horizon, local, wait, position, spacing) {
                    Later::GiveUp => {
                        let why = format!("retry horizon passed; last error: {reason}");
                        self.dead_letter(record, &why, correlation_id).await?;
                        Retried::DeadLettered
                    }
                    Later::Defer(delay) => {
                        store
                            .forms_retry_queue()
                            .defer(&record.signup_id, delay)
                            .await?;
                        Retried::Deferred
                    }
                    Later::Retry(delay) => {
                        record.attempts += 1;
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
                            .defer(&record.signup_id, delay)
                            .await?;
                        Retried::Rescheduled
                    }
                }
            }
        })
    }

    /// A queued signup whose record expired or cannot be read: a dead letter
    /// (nothing is left to submit), and it leaves the open signups.
    async fn record_gone(&self, signup_id: &str) -> Result<(), StoreError> {
        let store = &self.intake.store;
        let reason = "signup record expired or unreadable";
        store
            .dead_letters()
            .append(&DeadLetter::new(
                DeadLetterSource::Forms {
                    signup_id: signup_id.to_owned(),
                },
                reason,
            ))
            .await?;
        store.signups().forget(signup_id).await?;
        crate::worker::dead_letter_counted(crate::store::source_label::FORMS);
        tracing::warn!(signup_id, reason, "signup dead-lettered");
        Ok(())
    }

    /// Gives up on a signup: a dead letter with the reason (and HubSpot's
    /// correlationId), and its record kept `SIGNUP_FINISHED_TTL` for a replay.
    async fn dead_letter(
        &self,
        mut record: SignupRecord,
        reason: &str,
        correlation_id: Option<String>,
    ) -> Result<(), StoreError> {
        let store = &self.intake.store;
        let letter = DeadLetter::new(
            DeadLetterSource::Forms {
                signup_id: record.signup_id.to_string(),
            },
            reason,
        )
        .with_correlation_id(correlation_id);
        record.status = SignupStatus::DeadLettered;
        record.last_error = Some(reason.to_owned());
        // The letter only once this worker's write retired the signup: a
        // signup another writer moved on meanwhile gets no letter.
        if !store
            .signups()
            .retire(&record, SignupStatus::Queued, self.finished_ttl)
            .await?
            .stored()
        {
            return Ok(());
        }
        store.dead_letters().append(&letter).await?;
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
            Self::Batch(_) => None,
        }
    }
}
