//! The receiver's metrics, named in one place (see the README's metrics reference).
//!
//! Every label value is from a fixed set: a signed sender chooses its
//! `subscriptionType`, so unknown types are counted as `other`.

use super::payload::SubscriptionStyle;
use crate::metric_labels::{OTHER, one_of};
use crate::telemetry::catalog;

/// The subscription types labelled by name in `webhook_events_received_total`.
pub(crate) const KNOWN_TYPES: [&str; 16] = [
    "contact.creation",
    "contact.propertyChange",
    "contact.deletion",
    "contact.merge",
    "contact.restore",
    "contact.privacyDeletion",
    "contact.associationChange",
    "object.creation",
    "object.propertyChange",
    "object.deletion",
    "object.merge",
    "object.restore",
    "object.associationChange",
    "company.creation",
    "deal.creation",
    "ticket.creation",
];

/// One event seen in a verified batch, by subscription type and style.
pub fn received(subscription_type: &str, style: SubscriptionStyle) {
    let subscription_type = one_of(subscription_type, &KNOWN_TYPES, OTHER);
    metrics::counter!(
        catalog::WEBHOOK_EVENTS_RECEIVED,
        "subscription_type" => subscription_type,
        "style" => style.as_str()
    )
    .increment(1);
}

/// Events newly recorded and events found to be duplicates, for one batch.
pub fn recorded(recorded: usize, duplicates: usize) {
    metrics::counter!(catalog::WEBHOOK_EVENTS_RECORDED).increment(recorded as u64);
    metrics::counter!(catalog::WEBHOOK_EVENTS_DUPLICATE).increment(duplicates as u64);
}

/// An event accepted but not recorded (`unsupported_type`, `other_object_type`,
/// `other_portal`).
pub fn ignored(reason: &'static str) {
    metrics::counter!(catalog::WEBHOOK_EVENTS_IGNORED, "reason" => reason).increment(1);
}

/// An element of a batch that is not a usable event, by the field it lacks.
pub fn malformed(reason: &'static str) {
    metrics::counter!(catalog::WEBHOOK_EVENTS_MALFORMED, "reason" => reason).increment(1);
}

/// A delivery refused (`signature`, `stale`, `malformed`, `too_large`,
/// `timeout`, `redis`).
pub fn rejected(reason: &'static str) {
    metrics::counter!(catalog::WEBHOOK_REQUESTS_REJECTED, "reason" => reason).increment(1);
    if reason == "redis" {
        metrics::counter!(catalog::REDIS_ERRORS, "operation" => "record_events").increment(1);
    }
}
