//! Accepting a signup: record it (its own record, by `signupId`), then submit
//! it to the Forms API (and only there), or queue it durably when HubSpot
//! cannot take it now. Only once its Forms call went through does the signup
//! enter the check queue.

use std::time::Duration;

use crate::backoff::Backoff;
use crate::clock::now_ms;
use crate::config::Quota;
use crate::config::SignupSettings;
use crate::domain::{PortalId, SignupRecord, SignupStatus};
use crate::hubspot::forms::{FormContext, FormField, FormFieldError, FormSubmission, FormsError};
use crate::hubspot::{HubSpotClient, HubSpotError};
use crate::store::{Limiter, PermitGuard, PermitRequest, RedisStore, StoreError};

use super::request::ValidSignup;
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
    /// Redis could not record the signup: nothing was submitted.
    #[error("the signup could not be recorded")]
    Store(#[from] StoreError),
}

/// What one submission attempt came to.
pub enum Attempt {
    Submitted,
    Rejected {
        message: Option<String>,
        errors: Vec<FormFieldError>,
    },
    /// Not now: retry after this long.
    Later {
        wait: Duration,
        reason: String,
    },
}

impl SignupIntake {
    /// Records the signup, then submits it or queues it.
    pub async fn accept(&self, signup: ValidSignup) -> Result<Accepted, IntakeError> {
        let mut record = SignupRecord::new(
            signup.email,
            signup.fields,
            signup.context,
            signup.email_custom_properties,
            now_ms(),
        );
        let ttl = self.settings.pending_ttl;
        self.store.signups().create(&record, ttl).await?;
        let signup_id = record.signup_id.clone();
        match self.attempt(&record).await? {
            Attempt::Submitted => {
                signup_metrics::submitted("direct");
                record.attempts = 1;
                if let Err(error) = self.mark_submitted(record).await {
                    // The signup stays open as `submitting`: the sweep submits it again.
                    tracing::warn!(error = ?error, signup_id = %signup_id, "could not mark a submitted signup");
                }
                Ok(Accepted::Submitted { signup_id })
            }
            Attempt::Rejected { message, errors } => {
                signup_metrics::rejected(&errors);
                self.store.signups().discard(&record).await?;
                Err(IntakeError::Rejected { message, errors })
            }
            Attempt::Later { wait, reason } => {
                signup_metrics::queued(&reason);
                record.status = SignupStatus::Queued;
                record.attempts = 1;
                record.last_error = Some(reason.clone());
                self.store.signups().save(&record, ttl).await?;
                self.store
                    .forms_retry_queue()
                    .schedule(&signup_id, wait)
                    .await?;
                tracing::info!(signup_id = %signup_id, reason = %reason, "signup queued for a Forms retry");
                Ok(Accepted::Queued { signup_id })
            }
        }
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
                    reason: "local_rate_limit".to_owned(),
                });
            }
        };
        let submission = submission_of(pending);
        let target = &self.target;
        let result = permits
            .call(self.hubspot.submit_form(
                target.portal_id,
                &target.form_guid,
                target.authenticated,
                &submission,
            ))
            .await;
        Ok(match result {
            Ok(_) => Attempt::Submitted,
            Err(FormsError::Rejected { message, errors }) => Attempt::Rejected { message, errors },
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

    /// Records a successful submission and makes the signup's first check
    /// due after `FIRST_CHECK_GRACE`.
    pub async fn mark_submitted(&self, mut record: SignupRecord) -> Result<(), StoreError> {
        record.status = SignupStatus::Submitted;
        // The wait for its contact starts now that HubSpot has the submission
        // (a queued signup may have waited for the Forms quota first).
        record.waiting_since.get_or_insert(now_ms());
        record.last_error = None;
        self.store
            .signups()
            .submitted(
                &record,
                self.settings.pending_ttl,
                self.settings.first_check_grace,
            )
            .await?;
        Ok(())
    }
}

/// The Forms submission for a pending signup: email first, then its fields.
pub fn submission_of(pending: &SignupRecord) -> FormSubmission {
    let mut fields = vec![FormField::contact("email", pending.email.as_str())];
    fields.extend(
        pending
            .fields
            .iter()
            .map(|(name, value)| FormField::contact(name, value)),
    );
    FormSubmission {
        fields,
        context: FormContext {
            hutk: pending.context.hutk.clone(),
            ip_address: pending.context.ip_address.clone(),
            page_uri: pending.context.page_uri.clone(),
            page_name: pending.context.page_name.clone(),
        },
        submitted_at: (pending.attempts > 0).then_some(pending.submitted_at),
    }
}
