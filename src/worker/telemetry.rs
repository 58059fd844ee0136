//! Worker metrics, named in one place (see the README's metrics reference).

use crate::telemetry::catalog;
use std::time::Duration;

/// A finished contact check, by outcome.
pub fn check(outcome: &'static str) {
    metrics::counter!(catalog::CHECKS, "outcome" => outcome).increment(1);
}

/// A verification email HubSpot accepted, by `sendResult`.
pub fn sent(send_result: &str, signup_to_send: Duration) {
    metrics::counter!(catalog::EMAILS_SENT, "send_result" => send_result.to_owned()).increment(1);
    metrics::histogram!(catalog::SIGNUP_TO_EMAIL_SECONDS).record(signup_to_send.as_secs_f64());
}

/// Work given up on, by source (`events`, `checks`, `forms`).
pub fn dead_letter(source: &'static str) {
    metrics::counter!(catalog::DEAD_LETTERS, "source" => source).increment(1);
}

/// An event turned into a contact check.
pub fn event_consumed(reclaimed: bool) {
    let how = if reclaimed { "reclaimed" } else { "new" };
    metrics::counter!(catalog::EVENTS_CONSUMED, "delivery" => how).increment(1);
}
