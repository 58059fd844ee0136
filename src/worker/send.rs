//! The verification send: claim it for the contact, call Single Send with a
//! deterministic sendId and no `contactProperties`, record the result, and
//! retire the pending signup.

use std::time::Duration;

use super::check::{CheckOutcome, ContactChecker};
use super::hubspot_call::Call;
use super::telemetry as worker_metrics;
use crate::clock::now_ms;
use crate::domain::{ContactId, PendingSignup, SendId};
use crate::hubspot::transactional::SingleSend;
use crate::store::{CheckEnd, SendClaim, StoreError};

impl ContactChecker {
    /// Sends the verification email of `pending` to `contact`, once.
    pub(super) async fn send(
        &self,
        contact: ContactId,
        pending: &PendingSignup,
        first_seen: u64,
    ) -> Result<(CheckOutcome, CheckEnd), StoreError> {
        let ctx = &self.ctx;
        let verification = &ctx.verification;
        let send_id = SendId::verification(verification.portal_id, contact, verification.email_id);
        let lease = ctx.settings.check_lease;
        let ttl = ctx.settings.contact_state_ttl;
        match ctx
            .store
            .claim_send(contact, send_id.as_str(), lease, ttl, &ctx.name)
            .await?
        {
            SendClaim::AlreadySent => {
                return Ok((CheckOutcome::AlreadySent { contact }, CheckEnd::Final));
            }
            SendClaim::Busy => return self.deferred(contact, lease, "send_in_progress").await,
            SendClaim::Claimed => {}
        }
        let send = SingleSend {
            email_id: verification.email_id,
            to: pending.email.clone(),
            send_id: send_id.to_string(),
            custom_properties: pending.email_custom_properties.clone(),
        };
        let result = ctx
            .call("single_send", || ctx.hubspot.single_send(&send))
            .await?;
        let status = match result {
            Call::Done(status) => status,
            Call::Wait(wait) => {
                self.release_claim(contact).await?;
                return self.deferred(contact, wait, "rate_limited").await;
            }
            Call::Failed(error) => {
                self.release_claim(contact).await?;
                return self.failed(contact, error, first_seen).await;
            }
        };
        let send_result = status
            .send_result
            .clone()
            .unwrap_or_else(|| status.status.clone());
        let sent_at = now_ms();
        let fields = [
            ("state", "sent".to_owned()),
            ("sentAt", sent_at.to_string()),
            ("sendId", send_id.to_string()),
            ("statusId", status.status_id.clone()),
            ("sendResult", send_result.clone()),
            ("signupId", pending.signup_id.clone()),
            ("claimUntil", "0".to_owned()),
            ("lastError", String::new()),
        ];
        ctx.store
            .update_contact_state(contact, &fields, ttl)
            .await?;
        ctx.store
            .delete_pending_signup(&pending.email.fingerprint())
            .await?;
        let latency = Duration::from_millis(sent_at.saturating_sub(pending.submitted_at));
        worker_metrics::sent(&send_result, latency);
        tracing::info!(
            contact_id = %contact,
            signup_id = %pending.signup_id,
            send_id = %send_id,
            send_result = %send_result,
            latency_ms = latency.as_millis() as u64,
            "verification email sent"
        );
        Ok((CheckOutcome::Sent { contact }, CheckEnd::Final))
    }

    /// Lets the next attempt claim the send at once (same sendId).
    async fn release_claim(&self, contact: ContactId) -> Result<(), StoreError> {
        let fields = [
            ("state", "send_retry".to_owned()),
            ("claimUntil", "0".to_owned()),
        ];
        self.ctx
            .store
            .update_contact_state(contact, &fields, self.ctx.settings.contact_state_ttl)
            .await
    }
}
