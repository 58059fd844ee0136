//! Accepting a signup: record it (its own record, by `signupId`), then submit
//! it to the Forms API (and only there), or queue it durably when HubSpot
//! cannot take it now. Only a request that answers 202 leads to a submission
//! and an email: the state that says so (`submitted` or `queued`) is written
//! before the answer, and a record whose request did not get that far is
//! never submitted by anyone. Only once its Forms call went through does the
//! signup enter the check queue.

use std::time::Instant;

use crate::clock::now_ms;
use crate::domain::SignupId;
use crate::domain::{SignupRecord, SignupStatus};
use crate::hubspot::forms::FormFieldError;
use crate::store::{Created, Guard, StoreError, Written};

use super::forms_attempt::Attempt;
use super::intake::SignupIntake;
use super::request::ValidSignup;
use super::submission::as_submitted;
use super::telemetry as signup_metrics;

/// A signup the reactor has taken responsibility for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Submitted { signup_id: SignupId },
    Queued { signup_id: SignupId },
}

/// Why a signup was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// HubSpot refused the data (400): nothing was kept.
    #[error("HubSpot rejected the submission")]
    Rejected {
        message: Option<String>,
        errors: Vec<FormFieldError>,
    },
    /// Redis could not record the signup or its acceptance: it will never
    /// be submitted (again); the app's retry is the signup that counts.
    #[error("the signup could not be recorded")]
    Store(#[from] StoreError),
    /// The acceptance was not written (too late, or the record moved on):
    /// as for `Store`, the app's retry is the signup that counts.
    #[error("the signup's acceptance was refused: {0:?}")]
    NotAccepted(Written),
}

impl SignupIntake {
    /// Records the signup, then submits it or queues it. The signup is
    /// accepted (and only then may anything submit, check or send it) by one
    /// fenced write made before the answer: `submitting` becomes `submitted`
    /// or `queued`, only while the record is still `submitting` and no later
    /// than the request can still answer 202 (`accept_by`, and half the Redis
    /// command timeout after the write is sent). When that write fails or is
    /// refused, the request answers 503 and the record is never submitted:
    /// the sweep retires it after `IDEMPOTENCY_LEASE`.
    pub async fn accept(
        &self,
        signup: ValidSignup,
        accept_by: Instant,
    ) -> Result<Accepted, IntakeError> {
        let mut record = SignupRecord::new(
            signup.email,
            signup.fields,
            signup.context,
            signup.email_custom_properties,
            now_ms(),
        );
        let ttl = self.settings.pending_ttl;
        let created = self.store.signups().create(&record, ttl).await?;
        let signup_id = record.signup_id.clone();
        match self.attempt(&record).await? {
            Attempt::Submitted => {
                signup_metrics::submitted("direct");
                record.attempts = 1;
                let record = as_submitted(record);
                let guard = self.acceptance(&created, accept_by)?;
                let written = self
                    .store
                    .signups()
                    .submitted_if(&record, guard, ttl, self.settings.first_check_grace)
                    .await?;
                accepted(written, &signup_id)?;
                Ok(Accepted::Submitted { signup_id })
            }
            Attempt::Rejected {
                message, errors, ..
            } => {
                signup_metrics::rejected(&errors);
                self.store.signups().discard(&record).await?;
                Err(IntakeError::Rejected { message, errors })
            }
            Attempt::Later { wait, reason, .. } => {
                signup_metrics::queued(&reason);
                record.status = SignupStatus::Queued;
                record.attempts = 1;
                record.last_error = Some(reason.clone());
                let guard = self.acceptance(&created, accept_by)?;
                let written = self.store.signups().save_if(&record, guard, ttl).await?;
                accepted(written, &signup_id)?;
                // Accepted: the schedule is not part of it. A `queued` signup
                // missing from the Forms queue is put back on it by the sweep.
                if let Err(error) = self
                    .store
                    .forms_retry_queue()
                    .schedule(&signup_id, wait)
                    .await
                {
                    tracing::warn!(error = ?error, signup_id = %signup_id, "could not schedule an accepted signup's Forms retry; the sweep will");
                }
                tracing::info!(signup_id = %signup_id, reason = %reason, "signup queued for a Forms retry");
                Ok(Accepted::Queued { signup_id })
            }
        }
    }

    /// The fence of a signup's acceptance: its record still `submitting`,
    /// and a deadline on the Redis clock that the request can still answer by.
    fn acceptance(&self, created: &Created, accept_by: Instant) -> Result<Guard, IntakeError> {
        let deadline = created
            .deadline(Instant::now(), accept_by, self.store.command_timeout())
            .ok_or(IntakeError::NotAccepted(Written::TooLate))?;
        Ok(Guard {
            status: Some(SignupStatus::Submitting),
            deadline_ms: Some(deadline),
        })
    }
}

/// The acceptance's outcome: refused unless it was written.
fn accepted(written: Written, signup_id: &str) -> Result<(), IntakeError> {
    if written.stored() {
        return Ok(());
    }
    tracing::warn!(signup_id = %signup_id, found = ?written, "a signup's acceptance was refused; it will not be submitted");
    Err(IntakeError::NotAccepted(written))
}
