//! The send stage: the verification email of one confirmed signup (per-
//! contact cooldown, Single Send with the signup's own sendId and its own
//! `customProperties`, never `contactProperties`), and the follow-up of a
//! `PENDING` send through one status read on spare quota.

use std::time::Duration;

use super::plan::Decision;
use super::reason::Reason;
use super::schedule::{PlanSettings, failing_delay, status_read_delay};
use crate::clock::now_ms;
use crate::domain::{ContactId, SendId, SendRecord, SignupRecord, SignupStatus};
use crate::hubspot::transactional::{SendStatus, SendVerdict, SingleSend};
use crate::store::{Limiter, PermitGuard, PermitRequest, StoreError};
use crate::worker::WorkerContext;
use crate::worker::hubspot_call::{Call, Failure, counted};
use crate::worker::telemetry as worker_metrics;

/// What a Single Send answer means for a signup.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// Delivered, queued, or already sent under this signup's sendId.
    Sent,
    /// HubSpot is still working on it: follow the send status up.
    Pending,
    /// Not now (throttled): send again later under the same sendId.
    RetryLater,
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
        SendVerdict::RetryLater(_) => Next::RetryLater,
        SendVerdict::Failed(reason) => Next::Failed(reason),
    }
}

/// Sends the verification email of a signup confirmed on `contact`, once.
pub async fn send(
    ctx: &WorkerContext,
    mut record: SignupRecord,
    contact: ContactId,
) -> Result<(SignupRecord, Decision), StoreError> {
    record.contact_id = Some(contact);
    record.confirmed_at.get_or_insert(now_ms());
    if let Some(wait) = ctx
        .store
        .checks()
        .take_send_cooldown(contact, ctx.settings.send_cooldown, &record.signup_id)
        .await?
    {
        return Ok((record, Decision::wait(Reason::Cooldown, wait)));
    }
    let requests: Vec<PermitRequest> = ctx
        .settings
        .send_quota
        .map(|quota| PermitRequest::new(Limiter::SingleSend, quota, 1))
        .into_iter()
        .collect();
    let mut guard = match PermitGuard::reserve(&ctx.store, &requests).await? {
        Ok(guard) => guard,
        Err(wait) => return Ok((record, Decision::wait(Reason::SendRateLimited, wait))),
    };
    let verification = &ctx.verification;
    let send_id = SendId::of_record(&record);
    let send = SingleSend {
        email_id: verification.email_id,
        to: record.email.clone(),
        send_id: send_id.to_string(),
        custom_properties: record.email_custom_properties.clone(),
    };
    let answer = guard
        .call(counted("single_send", ctx.hubspot.single_send(&send)))
        .await;
    let status = match answer {
        Call::Done(status) => status,
        Call::Failed(Failure::Refused, error) => {
            // A 4xx about this email (an invalid address): this signup only.
            let refused = Decision::DeadLetter {
                reason: Reason::SendRefused,
                detail: format!("Single Send refused: {error}"),
                correlation_id: error.correlation_id().map(str::to_owned),
            };
            return Ok((record, refused));
        }
        Call::Failed(failure, error) => {
            let (reason, wait) = ctx.health.failed(failure, "single_send", &error);
            return Ok((record, Decision::wait(reason, wait)));
        }
    };
    ctx.health.succeeded();
    if status.body_unreadable {
        tracing::warn!(signup_id = %record.signup_id, "Single Send answered 2xx with an unreadable body; counted as sent");
    }
    let now = now_ms();
    record.send = Some(SendRecord {
        send_id: send_id.to_string(),
        status_id: status.status_id.clone(),
        send_result: result_of(&status),
        sent_at: now,
        status_reads: 0,
    });
    let next = next_of(&status);
    match next {
        Next::Sent | Next::Pending => accepted(&record, now),
        Next::Failed(_) => worker_metrics::email_failed(),
        Next::RetryLater => {}
    }
    let decision = apply(&mut record, next, now, &PlanSettings::from(&ctx.settings));
    Ok((record, decision))
}

/// Single Send accepted the email: the signup's email metrics are recorded now.
fn accepted(record: &SignupRecord, now: u64) {
    let result = record
        .send
        .as_ref()
        .map(|s| s.send_result.clone())
        .unwrap_or_default();
    let latency = Duration::from_millis(now.saturating_sub(record.submitted_at));
    let overhead = record
        .confirmed_at
        .map(|at| Duration::from_millis(now.saturating_sub(at)));
    worker_metrics::sent(&result, latency, overhead);
    tracing::info!(
        signup_id = %record.signup_id,
        contact_id = ?record.contact_id,
        send_result = %result,
        latency_ms = latency.as_millis() as u64,
        "verification email accepted by Single Send"
    );
}

/// Follows a `PENDING` send up (one status read) with spare quota only: a
/// status read never takes a permit a confirmation is about to need. During
/// a `launch` one read per `LAUNCH_STATUS_INTERVAL` goes ahead (the canary:
/// it takes its permit first, then its slot), the others wait for the end.
pub async fn follow_up(
    ctx: &WorkerContext,
    mut record: SignupRecord,
    launch: bool,
) -> Result<(SignupRecord, Decision), StoreError> {
    let p = PlanSettings::from(&ctx.settings);
    let now = now_ms();
    let Some(send) = record.send.clone() else {
        let decision = apply(&mut record, Next::Sent, now, &p);
        return Ok((record, decision));
    };
    // An event for the contact (the send itself raises some) woke it
    // early: the first read waits for HubSpot to have finished, mostly.
    let first_read = send.sent_at + crate::clock::millis(p.send_status_delay) / 2;
    if send.status_reads == 0 && now < first_read {
        let early = Duration::from_millis(first_read - now);
        return Ok((record, Decision::wait(Reason::SendPending, early)));
    }
    let quota = ctx.settings.api_quota;
    let canary = launch && super::launch::status_wait(&send, now).is_some();
    let keep_free = if canary { 0 } else { quota.max / 2 };
    let request = PermitRequest::new(Limiter::Api, quota, 1).leaving(keep_free);
    let mut guard = match PermitGuard::reserve(&ctx.store, &[request]).await? {
        Ok(guard) => guard,
        Err(wait) => return Ok((record, Decision::wait(Reason::WaitingForSpareQuota, wait))),
    };
    if canary && let Some(wait) = super::launch::take_slot(ctx, &send, now).await? {
        guard.release().await?;
        return Ok((record, Decision::wait(Reason::LaunchUnderWay, wait)));
    }
    worker_metrics::api_permits(1);
    let read = guard
        .call(counted(
            "send_status",
            ctx.hubspot.send_status(&send.status_id),
        ))
        .await;
    let status = match read {
        Call::Done(status) => status,
        Call::Failed(failure, error) => {
            let (reason, wait) = ctx.health.failed(failure, "send_status", &error);
            return Ok((record, Decision::wait(reason, wait)));
        }
    };
    ctx.health.succeeded();
    let next = next_of(&status);
    if let Some(send) = record.send.as_mut() {
        send.send_result = result_of(&status);
        send.status_reads = send.status_reads.saturating_add(1);
    }
    if next != Next::Pending {
        worker_metrics::send_result_known(Duration::from_millis(now.saturating_sub(send.sent_at)));
    }
    if matches!(next, Next::Failed(_)) {
        worker_metrics::email_failed();
    }
    let decision = apply(&mut record, next, now, &p);
    Ok((record, decision))
}

/// Turns a verdict into the signup's decision (and its status).
fn apply(record: &mut SignupRecord, next: Next, now: u64, p: &PlanSettings) -> Decision {
    match next {
        Next::Sent => {
            record.status = SignupStatus::Sent;
            record.last_error = None;
            Decision::Sent
        }
        Next::Pending if record.waited_at(now) > p.horizon => dead_letter(
            Reason::WaitHorizon,
            "send still pending at the horizon".to_owned(),
        ),
        Next::Pending => {
            record.status = SignupStatus::SendPending;
            let reads = record.send.as_ref().map_or(0, |s| s.status_reads);
            Decision::wait(Reason::SendPending, status_read_delay(reads, p))
        }
        Next::RetryLater => {
            record.status = SignupStatus::Submitted;
            Decision::Wait {
                reason: Reason::SendThrottled,
                after: failing_delay(record.checks.saturating_add(1)),
                charge: true,
            }
        }
        Next::Failed(reason) => {
            dead_letter(Reason::SendFailed, format!("Single Send result {reason}"))
        }
    }
}

fn dead_letter(reason: Reason, detail: String) -> Decision {
    Decision::DeadLetter {
        reason,
        detail,
        correlation_id: None,
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
        assert_eq!(
            next_of(&status("COMPLETE", Some("THROTTLED"))),
            Next::RetryLater
        );
        for failure in ["BLOCKED_DOMAIN", "IDEMPOTENT_FAIL", "PREVIOUSLY_BOUNCED"] {
            assert!(
                matches!(
                    next_of(&status(failure_status(), Some(failure))),
                    Next::Failed(_)
                ),
                "{failure}"
            );
        }
    }

    fn failure_status() -> &'static str {
        "COMPLETE"
    }
}
