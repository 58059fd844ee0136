//! One contact check: confirm the contact exists, that it signed up, and that
//! the signup form's submission landed on it; then hand over to the send.

use std::sync::Arc;
use std::time::Duration;

use super::hubspot_call::Call;
use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::domain::{ContactId, Email};
use crate::hubspot::HubSpotError;
use crate::store::{CheckEnd, StoreError};

/// What one check step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// No check was due.
    Idle,
    /// The verification email went out (or HubSpot had it already under its sendId).
    Sent { contact: ContactId },
    /// The contact's email had gone out before.
    AlreadySent { contact: ContactId },
    /// The contact has no pending signup (an import, a sales rep's entry): no email.
    NotASignup { contact: ContactId },
    /// Not visible in the CRM yet, or the form submission has not landed: later.
    Waiting {
        contact: ContactId,
        reason: &'static str,
    },
    /// Over quota, rate-limited, HubSpot failing, or another worker sending: later.
    Deferred { contact: ContactId, reason: String },
    /// Gave up (permanent HubSpot error, or past the wait horizon).
    DeadLettered { contact: ContactId, reason: String },
}

impl Step for CheckOutcome {
    fn is_idle(&self) -> bool {
        matches!(self, Self::Idle)
    }
}

impl CheckOutcome {
    fn label(&self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Sent { .. } => "sent",
            Self::AlreadySent { .. } => "already_sent",
            Self::NotASignup { .. } => "not_a_signup",
            Self::Waiting { .. } => "waiting",
            Self::Deferred { .. } => "deferred",
            Self::DeadLettered { .. } => "dead_lettered",
        }
    }
}

/// Runs contact checks from the check queue.
#[derive(Clone)]
pub struct ContactChecker {
    pub(super) ctx: Arc<WorkerContext>,
}

impl ContactChecker {
    /// A checker sharing the process's worker context.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self { ctx }
    }

    /// Claims one due check and runs it.
    pub async fn process_next(&self) -> Result<CheckOutcome, StoreError> {
        let store = &self.ctx.store;
        let Some(contact) = store
            .claim_check(self.ctx.settings.check_lease, &self.ctx.name)
            .await?
        else {
            return Ok(CheckOutcome::Idle);
        };
        let (outcome, end) = self.check(contact).await?;
        store.finish_check(contact, end).await?;
        worker_metrics::check(outcome.label());
        tracing::debug!(contact_id = %contact, outcome = outcome.label(), "contact checked");
        Ok(outcome)
    }

    async fn check(&self, contact: ContactId) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        let ctx = &self.ctx;
        let state = ctx.store.contact_state(contact).await?;
        if state.get("state").map(String::as_str) == Some("sent") {
            return Ok((CheckOutcome::AlreadySent { contact }, CheckEnd::Final));
        }
        let now = crate::clock::now_ms();
        let first_seen = state
            .get("firstSeenAt")
            .and_then(|v| v.parse().ok())
            .unwrap_or(now);
        let fields = [
            ("firstSeenAt", first_seen.to_string()),
            ("updatedAt", now.to_string()),
        ];
        ctx.store
            .update_contact_state(contact, &fields, ctx.settings.contact_state_ttl)
            .await?;

        let properties = ["email", "hs_analytics_source"];
        let found = match ctx
            .call("crm_contact", || {
                ctx.hubspot.get_contact(contact, &properties)
            })
            .await?
        {
            Call::Done(found) => found,
            Call::Wait(wait) => return self.deferred(contact, wait, "rate_limited").await,
            Call::Failed(error) => return self.failed(contact, error, first_seen).await,
        };
        let Some(found) = found else {
            return self
                .waiting(contact, "contact_not_visible", first_seen)
                .await;
        };
        let Some(email) = found.property("email").and_then(|e| Email::parse(e).ok()) else {
            return self.not_a_signup(contact, "no_email").await;
        };
        let Some(pending) = ctx.store.load_pending_signup(&email).await? else {
            return self.not_a_signup(contact, "no_pending_signup").await;
        };
        let ttl = ctx.settings.contact_state_ttl;
        ctx.store
            .remember_email_contact(&email, contact, ttl)
            .await?;
        let submissions = match ctx
            .call("legacy_profile", || {
                ctx.hubspot.get_form_submissions(contact)
            })
            .await?
        {
            Call::Done(submissions) => submissions,
            Call::Wait(wait) => return self.deferred(contact, wait, "rate_limited").await,
            Call::Failed(error) => return self.failed(contact, error, first_seen).await,
        };
        let guid = &ctx.verification.form_guid;
        let landed = submissions
            .unwrap_or_default()
            .iter()
            .any(|s| s.form_id.eq_ignore_ascii_case(guid));
        if !landed {
            return self.waiting(contact, "form_not_landed", first_seen).await;
        }
        self.send(contact, &pending, first_seen).await
    }

    async fn not_a_signup(
        &self,
        contact: ContactId,
        reason: &'static str,
    ) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        let fields = [
            ("state", "skipped".to_owned()),
            ("reason", reason.to_owned()),
        ];
        self.ctx
            .store
            .update_contact_state(contact, &fields, self.ctx.settings.contact_state_ttl)
            .await?;
        tracing::info!(contact_id = %contact, reason, "contact is not a signup; no email");
        Ok((CheckOutcome::NotASignup { contact }, CheckEnd::Done))
    }

    /// Not ready yet: retry with backoff until the wait horizon, then dead-letter.
    pub(super) async fn waiting(
        &self,
        contact: ContactId,
        reason: &'static str,
        first_seen: u64,
    ) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        let ctx = &self.ctx;
        let waited = Duration::from_millis(crate::clock::now_ms().saturating_sub(first_seen));
        if waited > ctx.settings.contact_wait_horizon {
            let reason = format!("{reason} after {}s", waited.as_secs());
            return self.dead_letter(contact, reason, None).await;
        }
        let attempts = ctx.store.bump_contact_counter(contact, "attempts").await?;
        let attempts = u32::try_from(attempts).unwrap_or(u32::MAX);
        let fields = [("state", reason.to_owned()), ("lastError", String::new())];
        ctx.store
            .update_contact_state(contact, &fields, ctx.settings.contact_state_ttl)
            .await?;
        let delay = ctx.backoff().delay(attempts);
        Ok((
            CheckOutcome::Waiting { contact, reason },
            CheckEnd::Retry(delay),
        ))
    }

    /// Not now (quota, 429, transient failure, busy claim): retry after `wait`.
    pub(super) async fn deferred(
        &self,
        contact: ContactId,
        wait: Duration,
        reason: &str,
    ) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        let fields = [("lastError", reason.to_owned())];
        self.ctx
            .store
            .update_contact_state(contact, &fields, self.ctx.settings.contact_state_ttl)
            .await?;
        let outcome = CheckOutcome::Deferred {
            contact,
            reason: reason.to_owned(),
        };
        Ok((outcome, CheckEnd::Retry(wait)))
    }

    /// A HubSpot failure: transient ones retry with backoff, others dead-letter.
    pub(super) async fn failed(
        &self,
        contact: ContactId,
        error: HubSpotError,
        first_seen: u64,
    ) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        if error.is_transient() {
            tracing::warn!(contact_id = %contact, error = ?error, "HubSpot call failed; retrying");
            let waited = Duration::from_millis(crate::clock::now_ms().saturating_sub(first_seen));
            if waited > self.ctx.settings.contact_wait_horizon {
                return self
                    .dead_letter(contact, format!("HubSpot kept failing: {error}"), None)
                    .await;
            }
            let attempts = self
                .ctx
                .store
                .bump_contact_counter(contact, "attempts")
                .await?;
            let delay = self
                .ctx
                .backoff()
                .delay(u32::try_from(attempts).unwrap_or(u32::MAX));
            return self.deferred(contact, delay, error.kind()).await;
        }
        let correlation = error.correlation_id().map(str::to_owned);
        self.dead_letter(contact, error.to_string(), correlation)
            .await
    }

    /// Gives up on a contact, keeping the reason for operators.
    pub(super) async fn dead_letter(
        &self,
        contact: ContactId,
        reason: String,
        correlation_id: Option<String>,
    ) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        let ctx = &self.ctx;
        let failed_at = crate::clock::now_ms().to_string();
        ctx.store
            .dead_letter(&[
                ("source", "checks".to_owned()),
                ("reason", reason.clone()),
                ("contact", contact.to_string()),
                ("correlationId", correlation_id.unwrap_or_default()),
                ("failedAt", failed_at),
            ])
            .await?;
        let fields = [
            ("state", "failed".to_owned()),
            ("lastError", reason.clone()),
        ];
        ctx.store
            .update_contact_state(contact, &fields, ctx.settings.contact_state_ttl)
            .await?;
        worker_metrics::dead_letter("checks");
        tracing::warn!(contact_id = %contact, reason = %reason, "contact check dead-lettered");
        Ok((
            CheckOutcome::DeadLettered { contact, reason },
            CheckEnd::Final,
        ))
    }
}
