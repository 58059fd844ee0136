//! The verification send of one confirmed signup: per-contact cooldown,
//! Single Send with the signup's own sendId and its own `customProperties`
//! (never `contactProperties`), outside the API quota, and a verdict read
//! from `sendResult`, with `PENDING` followed up through the send status.

use std::time::Duration;

use super::check::{Decided, Kind, SignupChecker};
use super::hubspot_call::Call;
use super::telemetry as worker_metrics;
use crate::clock::now_ms;
use crate::domain::{SendId, SendRecord, SignupRecord, SignupStatus};
use crate::hubspot::transactional::{SendStatus, SendVerdict, SingleSend};
use crate::store::{CheckEnd, Limiter, Permit, StoreError};

/// What a Single Send answer means for a signup.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// Delivered, queued, or already sent under this signup's sendId.
    Sent,
    /// HubSpot is still working on it: follow the send status up.
    Pending,
    /// Not now (throttled): send again later under the same sendId.
    RetryLater(String),
    /// Will not be delivered: dead-letter with this reason.
    Failed(String),
}

/// Reads HubSpot's answer through the client's classification.
fn next_of(status: &SendStatus) -> Next {
    match status.classify() {
        SendVerdict::Delivered | SendVerdict::IdempotentRepeat => Next::Sent,
        SendVerdict::SentUnreadable => Next::Sent,
        SendVerdict::Queued if status.is_in_progress() && status.send_result.is_none() => {
            Next::Pending
        }
        SendVerdict::Queued => Next::Sent,
        SendVerdict::RetryLater(reason) => Next::RetryLater(reason),
        SendVerdict::Failed(reason) => Next::Failed(reason),
    }
}

impl SignupChecker {
    /// Sends the verification email of a confirmed signup, once.
    pub(super) async fn send(&self, mut record: SignupRecord) -> Result<Decided, StoreError> {
        let ctx = &self.ctx;
        let Some(contact) = record.contact_id else {
            return Ok(self.retry(record, "no_contact"));
        };
        if let Some(wait) = ctx
            .store
            .checks()
            .take_send_cooldown(contact, ctx.settings.send_cooldown)
            .await?
        {
            record.last_error = Some("cooldown".to_owned());
            return Ok(deferred(record, wait, "cooldown"));
        }
        if let Some(quota) = ctx.settings.send_quota
            && let Permit::Wait(wait) = ctx
                .store
                .rate_limits()
                .try_acquire(Limiter::SingleSend, quota)
                .await?
        {
            return Ok(deferred(record, wait, "send_rate_limited"));
        }
        let verification = &ctx.verification;
        let send_id = SendId::of_record(&record);
        let send = SingleSend {
            email_id: verification.email_id,
            to: record.email.clone(),
            send_id: send_id.to_string(),
            custom_properties: record.email_custom_properties.clone(),
        };
        let result = ctx
            .permitted_call("single_send", || ctx.hubspot.single_send(&send))
            .await;
        let status = match result {
            Call::Done(status) => status,
            Call::Wait(wait) => return Ok(deferred(record, wait, "rate_limited")),
            Call::Failed(error) if error.is_transient() => {
                return Ok(self.retry(record, error.kind()));
            }
            Call::Failed(error) => {
                let why = format!("Single Send refused: {error}");
                return self
                    .dead_letter_refused(record, why, error.correlation_id())
                    .await;
            }
        };
        if status.body_unreadable {
            tracing::warn!(signup_id = %record.signup_id, "Single Send answered 2xx with an unreadable body; counted as sent");
        }
        record.send = Some(SendRecord {
            send_id: send_id.to_string(),
            status_id: status.status_id.clone(),
            send_result: result_of(&status),
            sent_at: now_ms(),
            status_reads: 0,
        });
        let next = next_of(&status);
        self.apply(record, next).await
    }

    /// Follows up a send HubSpot answered `PENDING` (one status read), with
    /// spare quota only: a status read never takes a permit that a
    /// confirmation is about to need, so it never delays an email. During a
    /// `launch` it waits for the launch to end (see `pacing`).
    pub(super) async fn follow_up(
        &self,
        record: SignupRecord,
        launch: bool,
    ) -> Result<Decided, StoreError> {
        let ctx = &self.ctx;
        let Some(status_id) = record.send.as_ref().map(|s| s.status_id.clone()) else {
            return self.apply(record, Next::Sent).await;
        };
        // An event for the contact (the send itself raises some) woke it
        // early: the first read waits for HubSpot to have finished, mostly.
        if let Some(early) = record.send.as_ref().and_then(|send| {
            let first_read =
                send.sent_at + crate::clock::millis(ctx.settings.send_status_delay) / 2;
            (send.status_reads == 0 && now_ms() < first_read)
                .then(|| Duration::from_millis(first_read - now_ms()))
        }) {
            return Ok(deferred(record, early, "send_pending"));
        }
        if launch && let Some(wait) = self.launch_status_wait(&record).await? {
            return Ok(deferred(record, wait, "launch_under_way"));
        }
        let permit = match ctx.take_spare_api_permit().await? {
            Ok(permit) => permit,
            Err(wait) => return Ok(deferred(record, wait, "waiting_for_spare_quota")),
        };
        let read = ctx
            .permitted_call("send_status", || ctx.hubspot.send_status(&status_id))
            .await;
        // HubSpot counted the call on arrival, after the permit's stamp.
        ctx.store.rate_limits().use_permit(&permit, 1).await?;
        match read {
            Call::Done(status) => {
                let next = next_of(&status);
                let mut record = record;
                if let Some(send) = record.send.as_mut() {
                    send.send_result = result_of(&status);
                    send.status_reads = send.status_reads.saturating_add(1);
                }
                self.apply(record, next).await
            }
            Call::Wait(wait) => Ok(deferred(record, wait, "rate_limited")),
            Call::Failed(error) => Ok(self.retry(record, error.kind())),
        }
    }

    /// Turns a verdict into the signup's outcome.
    async fn apply(&self, mut record: SignupRecord, next: Next) -> Result<Decided, StoreError> {
        let horizon = self.ctx.settings.contact_wait_horizon;
        let waited = record.waited_at(now_ms());
        match next {
            Next::Sent => {
                record.status = SignupStatus::Sent;
                record.last_error = None;
                let result = record
                    .send
                    .as_ref()
                    .map(|s| s.send_result.clone())
                    .unwrap_or_default();
                let latency = Duration::from_millis(now_ms().saturating_sub(record.submitted_at));
                let overhead = record
                    .confirmed_at
                    .map(|at| Duration::from_millis(now_ms().saturating_sub(at)));
                worker_metrics::sent(&result, latency, overhead);
                tracing::info!(
                    signup_id = %record.signup_id,
                    contact_id = ?record.contact_id,
                    send_result = %result,
                    latency_ms = latency.as_millis() as u64,
                    "verification email sent"
                );
                Ok(Decided {
                    record,
                    end: CheckEnd::Final,
                    kind: Kind::Sent,
                })
            }
            Next::Pending if waited > horizon => {
                self.dead_letter(record, "send still pending at the horizon".to_owned())
                    .await
            }
            Next::Pending => {
                record.status = SignupStatus::SendPending;
                let reads = record.send.as_ref().map_or(0, |s| s.status_reads);
                let settings = &self.ctx.settings;
                let delay = crate::backoff::Backoff {
                    base: settings.send_status_delay,
                    max: settings.retry_max_delay.max(settings.send_status_delay),
                }
                .delay(reads.saturating_add(1));
                Ok(deferred(record, delay, "send_pending"))
            }
            Next::RetryLater(reason) => {
                record.status = SignupStatus::Submitted;
                Ok(self.retry(record, &reason))
            }
            Next::Failed(reason) => {
                self.dead_letter(record, format!("Single Send result {reason}"))
                    .await
            }
        }
    }
}

fn deferred(mut record: SignupRecord, wait: Duration, reason: &str) -> Decided {
    record.last_error = Some(reason.to_owned());
    Decided {
        record,
        end: CheckEnd::Wait(wait),
        kind: Kind::Deferred(reason.to_owned()),
    }
}

/// What the record keeps of an answer: `sendResult`, else `status`.
fn result_of(status: &SendStatus) -> String {
    if status.body_unreadable {
        return "UNREADABLE_2XX".to_owned();
    }
    status
        .send_result
        .clone()
        .unwrap_or_else(|| status.status.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: &str, result: Option<&str>) -> SendStatus {
        SendStatus::example(status, result)
    }

    #[test]
    fn send_result_decides_what_happens_to_the_signup() {
        assert_eq!(next_of(&status("COMPLETE", Some("SENT"))), Next::Sent);
        assert_eq!(next_of(&status("PENDING", Some("QUEUED"))), Next::Sent);
        assert_eq!(
            next_of(&status("COMPLETE", Some("IDEMPOTENT_IGNORE"))),
            Next::Sent
        );
        assert_eq!(next_of(&SendStatus::unreadable()), Next::Sent);
        assert_eq!(next_of(&status("PENDING", None)), Next::Pending);
        assert!(matches!(
            next_of(&status("COMPLETE", Some("THROTTLED"))),
            Next::RetryLater(_)
        ));
        for failure in ["BLOCKED_DOMAIN", "IDEMPOTENT_FAIL", "PREVIOUSLY_BOUNCED"] {
            assert!(
                matches!(next_of(&status("COMPLETE", Some(failure))), Next::Failed(_)),
                "{failure}"
            );
        }
    }
}
