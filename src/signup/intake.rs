//! Accepting a signup: record it (its own record, by `signupId`), then submit
//! it to the Forms API (and only there), or queue it durably when HubSpot
//! cannot take it now. Only a request that answers 202 leads to a submission
//! and an email: the state that says so (`submitted` or `queued`) is written
//! before the answer, and a record whose request did not get that far is
//! never submitted by anyone. Only once its Forms call went through does the
//! signup enter the check queue.

use std::time::{Duration, Instant};

use crate::backoff::Backoff;
use crate::clock::now_ms;
use crate::config::{Config, SignupSettings};
use crate::domain::{PortalId, SignupRecord, SignupStatus};
use crate::hubspot::forms::{FormFieldError, FormsError};
use crate::hubspot::{HubSpotClient, HubSpotError};
use crate::store::{
    Created, Guard, Limiter, PermitGuard, PermitRequest, Quota, RedisStore, StoreError, Written,
};

use super::request::ValidSignup;
use super::submission::{as_submitted, submission_of};
use super::telemetry as signup_metrics;

/// Which form the signups go to, and how.
#[derive(Debug, Clone)]
pub struct FormTarget {
    pub portal_id: PortalId,
    pub form_guid: String,
    pub authenticated: bool,
}

/// The signup service: shared by the HTTP handler and the retry worker.
#[derive(Debug, Clone)]
pub struct SignupIntake {
    pub store: RedisStore,
    pub hubspot: HubSpotClient,
    pub target: FormTarget,
    pub settings: SignupSettings,
    /// The account's API quota (`HUBSPOT_API_RATE_LIMIT`): an authenticated
    /// submission counts against it as well as against the Forms limit.
    pub api_quota: Quota,
    pub backoff: Backoff,
}

impl SignupIntake {
    /// The intake as `serve` builds it from the configuration.
    pub fn for_config(config: &Config, store: RedisStore, hubspot: HubSpotClient) -> Self {
        Self {
            store,
            hubspot,
            target: FormTarget {
                portal_id: config.hubspot.portal_id,
                form_guid: config.hubspot.signup_form_guid.clone(),
                authenticated: config.hubspot.forms_authenticated,
            },
            settings: config.signup.clone(),
            api_quota: config.worker.api_quota,
            backoff: Backoff {
                base: config.worker.retry_base_delay,
                max: config.worker.retry_max_delay,
            },
        }
    }
}

/// A signup the reactor has taken responsibility for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Submitted { signup_id: String },
    Queued { signup_id: String },
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

/// The reason of an attempt that found the shared Forms quota (or, when
/// authenticated, the API quota) used up: nothing was sent to HubSpot.
pub const LOCAL_RATE_LIMIT: &str = "local_rate_limit";

/// What one submission attempt came to.
pub enum Attempt {
    Submitted,
    Rejected {
        message: Option<String>,
        errors: Vec<FormFieldError>,
        /// HubSpot's correlationId of the refusal, for its dead letter.
        correlation_id: Option<String>,
    },
    /// Not now: retry after this long.
    Later {
        wait: Duration,
        reason: String,
        /// HubSpot's correlationId of the failed call, when it answered one.
        correlation_id: Option<String>,
    },
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

    /// One submission attempt under the shared Forms quota (and, when
    /// authenticated, the API quota).
    pub async fn attempt(&self, pending: &SignupRecord) -> Result<Attempt, StoreError> {
        let attempt_number = pending.attempts + 1;
        let mut permits = match self.reserve_permits().await? {
            Ok(permits) => permits,
            Err(wait) => {
                return Ok(Attempt::Later {
                    wait,
                    reason: LOCAL_RATE_LIMIT.to_owned(),
                    correlation_id: None,
                });
            }
        };
        let submission = submission_of(pending);
        let target = &self.target;
        let result = permits
            .call_counted(
                self.hubspot.submit_form(
                    target.portal_id,
                    &target.form_guid,
                    target.authenticated,
                    &submission,
                ),
                |r| !matches!(r, Err(FormsError::Api(e)) if e.turned_away()),
            )
            .await;
        if let Err(FormsError::Api(HubSpotError::RateLimited {
            retry_after, asked, ..
        })) = &result
        {
            // Its permit went back: the hold keeps every replica from
            // spending it on another refused call at once.
            let hold = if *asked { *retry_after } else { FORMS_HOLD };
            self.store
                .rate_limits()
                .hold(Limiter::Forms, self.settings.forms_quota, hold)
                .await?;
        }
        Ok(match result {
            Ok(_) => Attempt::Submitted,
            Err(FormsError::Rejected {
                message,
                errors,
                correlation_id,
            }) => Attempt::Rejected {
                message,
                errors,
                correlation_id,
            },
            Err(FormsError::Api(error)) => {
                let wait = match &error {
                    HubSpotError::RateLimited { retry_after, .. } => {
                        (*retry_after).max(self.backoff.delay(attempt_number))
                    }
                    _ => self.backoff.delay(attempt_number),
                };
                if !error.is_transient() {
                    tracing::error!(error = ?error, "Forms API refused the request; check the form GUID and token");
                }
                Attempt::Later {
                    wait,
                    reason: error.kind().to_owned(),
                    correlation_id: error.correlation_id().map(str::to_owned),
                }
            }
        })
    }

    /// The permits one submission takes: one of the Forms limit, and one of
    /// the API quota when the submission is authenticated (HubSpot counts an
    /// authenticated submission against the account's 10-second quota). All
    /// or none.
    async fn reserve_permits(&self) -> Result<Result<PermitGuard, Duration>, StoreError> {
        let mut requests = vec![PermitRequest::new(
            Limiter::Forms,
            self.settings.forms_quota,
            1,
        )];
        if self.target.authenticated {
            requests.push(PermitRequest::new(Limiter::Api, self.api_quota, 1));
        }
        PermitGuard::reserve(&self.store, &requests).await
    }

    /// Records a queued signup's successful submission (a Forms retry) and
    /// makes its first check due after `FIRST_CHECK_GRACE`, only while its
    /// record is still `queued`.
    pub async fn mark_submitted(&self, record: SignupRecord) -> Result<Written, StoreError> {
        let record = as_submitted(record);
        let written = self
            .store
            .signups()
            .submitted_if(
                &record,
                Guard::status(SignupStatus::Queued),
                self.settings.pending_ttl,
                self.settings.first_check_grace,
            )
            .await?;
        if !written.stored() {
            tracing::warn!(signup_id = %record.signup_id, found = ?written, "a submitted signup's record had moved on; left as it is");
        }
        Ok(written)
    }
}

/// How long every replica holds its Forms submissions after a 429 that did
/// not say how long (HubSpot's `Retry-After` is used when it does). The
/// window's unused permits stay: the hold delays submissions, it does not
/// lower their rate.
const FORMS_HOLD: Duration = Duration::from_millis(500);

/// The acceptance's outcome: refused unless it was written.
fn accepted(written: Written, signup_id: &str) -> Result<(), IntakeError> {
    if written.stored() {
        return Ok(());
    }
    tracing::warn!(signup_id = %signup_id, found = ?written, "a signup's acceptance was refused; it will not be submitted");
    Err(IntakeError::NotAccepted(written))
}
