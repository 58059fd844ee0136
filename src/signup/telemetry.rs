//! Signup metrics, named in one place (see the README's metrics reference).

use crate::hubspot::forms::FormFieldError;
use crate::metric_labels::one_of;
use crate::telemetry::catalog;

/// The Forms API's documented `errorType`s; anything else is counted as `OTHER`.
pub(crate) const FORM_ERROR_TYPES: [&str; 23] = [
    "BLOCKED_EMAIL",
    "DUPLICATE_SUBSCRIPTION_TYPE_ID",
    "FIELD_NOT_IN_FORM_DEFINITION",
    "FORM_HAS_RECAPTCHA_ENABLED",
    "INPUT_TOO_LARGE",
    "INVALID_EMAIL",
    "INVALID_GOTOWEBINAR_WEBINAR_KEY",
    "INVALID_HUTK",
    "INVALID_IP_ADDRESS",
    "INVALID_LEGAL_OPTION_FORMAT",
    "INVALID_METADATA",
    "INVALID_NUMBER",
    "INVALID_PAGE_URI",
    "MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED",
    "MISSING_COMMUNICATION_CONSENT_TEXT",
    "MISSING_LEGITIMATE_INTEREST_TEXT",
    "MISSING_PROCESSING_CONSENT",
    "MISSING_PROCESSING_CONSENT_TEXT",
    "NUMBER_OUT_OF_RANGE",
    "REQUIRED_FIELD",
    "VALUE_NOT_IN_FIELD_DEFINITION",
    "UNKNOWN",
    "OTHER",
];

/// A signup answered 202, by `status` (`submitted`, `queued`).
pub fn accepted(status: &'static str) {
    metrics::counter!(catalog::SIGNUPS_ACCEPTED, "status" => status).increment(1);
}

/// A signup HubSpot rejected, once per errorType (bounded to the documented ones).
pub fn rejected(errors: &[FormFieldError]) {
    if errors.is_empty() {
        metrics::counter!(catalog::SIGNUPS_REJECTED, "error_type" => "UNKNOWN").increment(1);
    }
    for error in errors {
        let error_type = one_of(&error.error_type, &FORM_ERROR_TYPES, "OTHER");
        metrics::counter!(catalog::SIGNUPS_REJECTED, "error_type" => error_type).increment(1);
    }
}

/// A submission put on the retry queue, by reason (the fixed set of error kinds).
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

/// A signup refused by the per-address ceiling (`TOO_MANY_SIGNUPS`).
pub fn too_many_signups() {
    metrics::counter!(catalog::SIGNUPS_REJECTED, "error_type" => TOO_MANY_SIGNUPS).increment(1);
}

/// The `errorType` of a signup refused by the per-address ceiling.
pub const TOO_MANY_SIGNUPS: &str = "TOO_MANY_SIGNUPS";
