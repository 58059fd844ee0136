//! Signup metrics, named in one place (see the README's metrics reference).

use crate::hubspot::forms::FormFieldError;
use crate::telemetry::catalog;

/// A signup answered 202, by `status` (`submitted`, `queued`).
pub fn accepted(status: &'static str) {
    metrics::counter!(catalog::SIGNUPS_ACCEPTED, "status" => status).increment(1);
}

/// A signup HubSpot rejected, once per errorType.
pub fn rejected(errors: &[FormFieldError]) {
    if errors.is_empty() {
        metrics::counter!(catalog::SIGNUPS_REJECTED, "error_type" => "UNKNOWN").increment(1);
    }
    for error in errors {
        metrics::counter!(catalog::SIGNUPS_REJECTED, "error_type" => error.error_type.clone())
            .increment(1);
    }
}

/// A submission put on the retry queue, by reason.
pub fn queued(reason: &str) {
    metrics::counter!(catalog::SIGNUPS_QUEUED, "reason" => reason.to_owned()).increment(1);
}

/// A retry attempt from the queue, by outcome.
pub fn retried(outcome: &'static str) {
    metrics::counter!(catalog::SIGNUPS_RETRIED, "outcome" => outcome).increment(1);
}

/// A submission the Forms API accepted, by path (`direct`, `retry`).
pub fn submitted(path: &'static str) {
    metrics::counter!(catalog::SIGNUPS_SUBMITTED, "path" => path).increment(1);
}
