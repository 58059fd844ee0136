//! Worker metrics, named in one place (see the README's metrics reference).

use crate::telemetry::catalog;
use std::time::Duration;

/// A signup's check outcome, by outcome.
pub fn check(outcome: &'static str) {
    metrics::counter!(catalog::CHECKS, "outcome" => outcome).increment(1);
}

/// The `sendResult`s (or, without one, `status`es) labelled by name; HubSpot's
/// other values count as `OTHER`.
pub(crate) const SEND_RESULTS: [&str; 8] = [
    "SENT",
    "QUEUED",
    "IDEMPOTENT_IGNORE",
    "IDEMPOTENT_FAIL",
    "PENDING",
    "PROCESSING",
    "COMPLETE",
    "CANCELED",
];

/// The label of any other `sendResult`.
pub(crate) const SEND_RESULT_OTHER: &str = "OTHER";

/// A claimed batch, by size (quota use: calls per batch are fixed, so
/// bigger batches mean fewer calls per signup).
pub fn batch_claimed(size: usize) {
    metrics::histogram!(catalog::CHECK_BATCH_SIZE).record(size as f64);
}

/// API permits taken from the shared quota.
pub fn api_permits(permits: u32) {
    metrics::counter!(catalog::HUBSPOT_API_PERMITS).increment(u64::from(permits));
}

/// A verification email Single Send accepted, by `sendResult`; with the time
/// from the signup, and from the moment its contact was confirmed with its
/// submission (the reactor's own overhead).
pub fn sent(send_result: &str, signup_to_send: Duration, overhead: Option<Duration>) {
    let send_result = crate::metric_labels::one_of(send_result, &SEND_RESULTS, SEND_RESULT_OTHER);
    metrics::counter!(catalog::EMAILS_SENT, "send_result" => send_result).increment(1);
    metrics::histogram!(catalog::SIGNUP_TO_EMAIL_SECONDS).record(signup_to_send.as_secs_f64());
    if let Some(overhead) = overhead {
        metrics::histogram!(catalog::CONFIRMED_TO_EMAIL_SECONDS).record(overhead.as_secs_f64());
    }
}

/// A `PENDING` send's result became known, this long after Single Send accepted it.
pub fn send_result_known(lag: Duration) {
    metrics::histogram!(catalog::SEND_RESULT_LAG_SECONDS).record(lag.as_secs_f64());
}

/// A send whose `sendResult` failed after Single Send took the call.
pub fn email_failed() {
    metrics::counter!(catalog::EMAILS_FAILED).increment(1);
}

/// Work given up on, by source (`events`, `checks`, `forms`).
pub fn dead_letter(source: &'static str) {
    metrics::counter!(catalog::DEAD_LETTERS, "source" => source).increment(1);
}

/// An event consumed as a wake-up hint.
pub fn event_consumed(reclaimed: bool) {
    let how = if reclaimed { "reclaimed" } else { "new" };
    metrics::counter!(catalog::EVENTS_CONSUMED, "delivery" => how).increment(1);
}
