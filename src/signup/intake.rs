//! Accepting a signup: record it, then submit it to the Forms API (and only
//! there), or queue it durably when HubSpot cannot take it now.

use std::time::Duration;

use crate::backoff::Backoff;
use crate::clock::now_ms;
use crate::config::SignupSettings;
use crate::domain::{PendingSignup, PortalId, SignupStatus};
use crate::hubspot::forms::{FormContext, FormField, FormFieldError, FormSubmission, FormsError};
use crate::hubspot::{HubSpotClient, HubSpotError};
use crate::store::{Permit, RedisStore, StoreError};

use super::request::ValidSignup;
use super::telemetry as signup_metrics;

/// Name of the Forms rate limiter in Redis.
pub const FORMS_LIMITER: &str = "forms";

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
        let pending = PendingSignup {
            signup_id: uuid::Uuid::new_v4().to_string(),
            email: signup.email,
            fields: signup.fields,
            context: signup.context,
            email_custom_properties: signup.email_custom_properties,
            submitted_at: now_ms(),
            status: SignupStatus::Submitting,
            attempts: 0,
            last_error: None,
        };
        self.store
            .save_pending_signup(&pending, self.settings.pending_ttl)
            .await?;
        let fingerprint = pending.email.fingerprint();
        let signup_id = pending.signup_id.clone();
        match self.attempt(&pending).await? {
            Attempt::Submitted => {
                signup_metrics::submitted("direct");
                self.mark_submitted(&fingerprint, 1).await;
                Ok(Accepted::Submitted { signup_id })
            }
            Attempt::Rejected { message, errors } => {
                signup_metrics::rejected(&errors);
                self.store.delete_pending_signup(&fingerprint).await?;
                Err(IntakeError::Rejected { message, errors })
            }
            Attempt::Later { wait, reason } => {
                signup_metrics::queued(&reason);
                self.store
                    .update_signup_status(&fingerprint, SignupStatus::Queued, 1, Some(&reason))
                    .await?;
                let queue = self.store.keys().forms_retry_queue();
                self.store
                    .delay_schedule(&queue, &fingerprint, wait)
                    .await?;
                tracing::info!(signup_id = %signup_id, reason = %reason, "signup queued for a Forms retry");
                Ok(Accepted::Queued { signup_id })
            }
        }
    }

    /// One submission attempt under the shared Forms quota.
    pub async fn attempt(&self, pending: &PendingSignup) -> Result<Attempt, StoreError> {
        let attempt_number = pending.attempts + 1;
        if let Permit::Wait(wait) = self
            .store
            .try_acquire(FORMS_LIMITER, self.settings.forms_quota)
            .await?
        {
            return Ok(Attempt::Later {
                wait,
                reason: "local_rate_limit".to_owned(),
            });
        }
        let submission = submission_of(pending);
        let target = &self.target;
        let result = self
            .hubspot
            .submit_form(
                target.portal_id,
                &target.form_guid,
                target.authenticated,
                &submission,
            )
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

    /// Records a successful submission; a failure here loses nothing (the
    /// signup stays pending either way), so it is only logged.
    pub async fn mark_submitted(&self, fingerprint: &str, attempts: u32) {
        let result = self
            .store
            .update_signup_status(fingerprint, SignupStatus::Submitted, attempts, None)
            .await;
        if let Err(error) = result {
            tracing::warn!(error = ?error, "could not mark a submitted signup");
        }
    }
}

/// The Forms submission for a pending signup: email first, then its fields.
pub fn submission_of(pending: &PendingSignup) -> FormSubmission {
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
