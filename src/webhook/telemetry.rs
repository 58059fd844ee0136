//! The receiver's metrics, named in one place (see the README's metrics reference).

use crate::telemetry::catalog;

/// One event seen in a verified batch, by subscription type.
pub fn received(subscription_type: &str) {
    metrics::counter!(catalog::WEBHOOK_EVENTS_RECEIVED, "subscription_type" => subscription_type.to_owned())
        .increment(1);
}

/// Events newly recorded and events found to be duplicates, for one batch.
pub fn recorded(recorded: usize, duplicates: usize) {
    metrics::counter!(catalog::WEBHOOK_EVENTS_RECORDED).increment(recorded as u64);
    metrics::counter!(catalog::WEBHOOK_EVENTS_DUPLICATE).increment(duplicates as u64);
}

/// An event accepted but not recorded (`unsupported_type`, `other_portal`).
pub fn ignored(reason: &'static str) {
    metrics::counter!(catalog::WEBHOOK_EVENTS_IGNORED, "reason" => reason).increment(1);
}

/// A delivery refused (`signature`, `stale`, `malformed`, `too_large`, `redis`).
pub fn rejected(reason: &'static str) {
    metrics::counter!(catalog::WEBHOOK_REQUESTS_REJECTED, "reason" => reason).increment(1);
    if reason == "redis" {
        metrics::counter!(catalog::REDIS_ERRORS, "operation" => "record_events").increment(1);
    }
}
