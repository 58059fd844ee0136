//! The receiver's metrics, named in one place (see the README's metrics reference).

/// One event seen in a verified batch, by subscription type.
pub fn received(subscription_type: &str) {
    metrics::counter!("webhook_events_received_total", "subscription_type" => subscription_type.to_owned())
        .increment(1);
}

/// Events newly recorded and events found to be duplicates, for one batch.
pub fn recorded(recorded: usize, duplicates: usize) {
    metrics::counter!("webhook_events_recorded_total").increment(recorded as u64);
    metrics::counter!("webhook_events_duplicate_total").increment(duplicates as u64);
}

/// An event accepted but not recorded (`unsupported_type`, `other_portal`).
pub fn ignored(reason: &'static str) {
    metrics::counter!("webhook_events_ignored_total", "reason" => reason).increment(1);
}

/// A delivery refused (`signature`, `stale`, `malformed`, `too_large`, `redis`).
pub fn rejected(reason: &'static str) {
    metrics::counter!("webhook_requests_rejected_total", "reason" => reason).increment(1);
    if reason == "redis" {
        metrics::counter!("redis_errors_total", "operation" => "record_events").increment(1);
    }
}
