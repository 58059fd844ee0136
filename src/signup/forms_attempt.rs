//! One submission of a signup to the Forms API under the shared Forms quota
//! (and, when authenticated, the API quota), what it came to, and the record
//! of a queued signup's submission once a Forms retry went through.

use std::time::Duration;

use crate::domain::{SignupRecord, SignupStatus};
use crate::hubspot::HubSpotError;
use crate::hubspot::forms::{FormFieldError, FormsError};
use crate::store::{Guard, Limiter, PermitGuard, PermitRequest, StoreError, Written};

use super::intake::SignupIntake;
use super::submission::{as_submitted, submission_of};

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
