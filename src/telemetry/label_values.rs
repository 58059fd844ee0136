//! The values each fixed label of the catalog can take, so that every known
//! series of a counter or histogram exists at 0 from start-up.
//!
//! `increase()` and `rate()` cannot see the step from "no series" to 1: a
//! process's first dead letter would never fire an alert. Prometheus's
//! instrumentation guidance is to initialise every known label set to 0;
//! [`zero_init`] does that for every metric whose labels are all listed
//! here. Labels that carry raw values (an HTTP status) are listed in
//! [`RAW_LABELS`], and their metrics appear with their first observation.

use metrics::Label;

use super::catalog::{self, CATALOG, MetricKind};

/// The values of one fixed label of one metric: the named ones, and the
/// one that stands for anything else (if the code has one).
#[derive(Debug, Clone, Copy)]
pub struct LabelValues {
    pub metric: &'static str,
    pub label: &'static str,
    pub values: &'static [&'static str],
    pub fallback: Option<&'static str>,
}

const fn fixed(
    metric: &'static str,
    label: &'static str,
    values: &'static [&'static str],
) -> LabelValues {
    LabelValues {
        metric,
        label,
        values,
        fallback: None,
    }
}

const fn fixed_or(
    metric: &'static str,
    label: &'static str,
    values: &'static [&'static str],
    fallback: &'static str,
) -> LabelValues {
    LabelValues {
        metric,
        label,
        values,
        fallback: Some(fallback),
    }
}

/// Labels left out of zero-initialisation, with their metrics: the HTTP
/// status is a raw value, so the request latency's series (method, route,
/// status) appear with their first request.
pub const RAW_LABELS: &[(&str, &str)] = &[
    (catalog::HTTP_REQUEST_DURATION_SECONDS, "method"),
    (catalog::HTTP_REQUEST_DURATION_SECONDS, "route"),
    (catalog::HTTP_REQUEST_DURATION_SECONDS, "status"),
];

/// Every other label of the catalog, with the values the code records.
pub const FIXED_LABELS: &[LabelValues] = &[
    fixed_or(
        catalog::WEBHOOK_EVENTS_RECEIVED,
        "subscription_type",
        &crate::webhook::telemetry::KNOWN_TYPES,
        crate::metric_labels::OTHER,
    ),
    fixed(
        catalog::WEBHOOK_EVENTS_RECEIVED,
        "style",
        &["classic", "generic"],
    ),
    fixed(
        catalog::WEBHOOK_EVENTS_IGNORED,
        "reason",
        &["unsupported_type", "other_object_type", "other_portal"],
    ),
    fixed(
        catalog::WEBHOOK_EVENTS_MALFORMED,
        "reason",
        &[
            "not_an_event",
            "portal_id",
            "object_id",
            "object_type_id",
            "property_name",
        ],
    ),
    fixed(
        catalog::WEBHOOK_REQUESTS_REJECTED,
        "reason",
        &[
            "signature",
            "stale",
            "malformed",
            "too_large",
            "timeout",
            "redis",
        ],
    ),
    fixed(
        catalog::SIGNUPS_ACCEPTED,
        "status",
        &["submitted", "queued"],
    ),
    fixed(
        catalog::SIGNUPS_NOT_ACCEPTED,
        "reason",
        &crate::signup::telemetry::NOT_ACCEPTED_REASONS,
    ),
    fixed(
        catalog::SIGNUPS_REJECTED,
        "error_type",
        &crate::signup::telemetry::FORM_ERROR_TYPES,
    ),
    fixed(
        catalog::SIGNUPS_QUEUED,
        "reason",
        &[
            // The local limiter, or `HubSpotError::kind`.
            "local_rate_limit",
            "rate_limited",
            "server_error",
            "timeout",
            "transport",
            "unauthorized",
            "rejected",
            "too_many_inputs",
            "decode",
        ],
    ),
    fixed(
        catalog::SIGNUPS_RETRIED,
        "outcome",
        &crate::worker::forms_retry_plan::Retried::LABELS,
    ),
    fixed(catalog::SIGNUPS_SUBMITTED, "path", &["direct", "retry"]),
    fixed(catalog::EVENTS_CONSUMED, "delivery", &["new", "reclaimed"]),
    fixed(
        catalog::CHECKS,
        "outcome",
        &["fenced", "sent", "waiting", "deferred", "dead_lettered"],
    ),
    fixed_or(
        catalog::EMAILS_SENT,
        "send_result",
        &crate::worker::telemetry::SEND_RESULTS,
        crate::worker::telemetry::SEND_RESULT_OTHER,
    ),
    fixed(
        catalog::DEAD_LETTERS,
        "source",
        &[
            crate::store::source_label::EVENTS,
            crate::store::source_label::CHECKS,
            crate::store::source_label::FORMS,
        ],
    ),
    fixed(
        catalog::HUBSPOT_REQUESTS,
        "endpoint",
        &[
            "crm_batch_read",
            "legacy_batch_profile",
            "single_send",
            "send_status",
        ],
    ),
    fixed(
        catalog::HUBSPOT_REQUESTS,
        "outcome",
        &[
            // `ok`, or `HubSpotError::kind`.
            "ok",
            "rate_limited",
            "server_error",
            "timeout",
            "transport",
            "unauthorized",
            "rejected",
            "too_many_inputs",
            "decode",
        ],
    ),
    fixed(catalog::HUBSPOT_CALLS_DEFERRED, "endpoint", &["batch"]),
    fixed(
        catalog::REDIS_ERRORS,
        "operation",
        &[
            "readiness",
            "record_events",
            "watch_queue",
            "consume_events",
            "check_signups",
            "retry_forms",
            "sweep",
            "gauges",
            "heartbeat",
        ],
    ),
];

/// The values of `label` of `metric`, when it is a fixed label.
pub fn values_of(metric: &str, label: &str) -> Option<Vec<&'static str>> {
    FIXED_LABELS
        .iter()
        .find(|entry| entry.metric == metric && entry.label == label)
        .map(|entry| entry.values.iter().copied().chain(entry.fallback).collect())
}

/// Every label set of `metric` (the product of its labels' values), or
/// `None` when one of its labels is raw or unlisted.
pub fn label_sets(metric: &catalog::Metric) -> Option<Vec<Vec<Label>>> {
    let mut sets: Vec<Vec<Label>> = vec![Vec::new()];
    for label in metric.labels {
        let values = values_of(metric.name, label)?;
        sets = sets
            .iter()
            .flat_map(|set| {
                values.iter().map(move |value| {
                    let mut next = set.clone();
                    next.push(Label::new(*label, *value));
                    next
                })
            })
            .collect();
    }
    Some(sets)
}

/// Registers every known series of every counter and histogram at 0.
/// Gauges are left out: a gauge's 0 would be a claim (an empty queue)
/// before anyone has read it.
pub fn zero_init() {
    for metric in CATALOG {
        let Some(sets) = label_sets(metric) else {
            continue;
        };
        for labels in sets {
            match metric.kind {
                MetricKind::Counter => metrics::counter!(metric.name, labels).increment(0),
                // Registering a histogram renders its buckets at 0.
                MetricKind::Histogram => drop(metrics::histogram!(metric.name, labels)),
                MetricKind::Gauge => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_of_the_catalog_is_fixed_or_raw() {
        for metric in CATALOG {
            for label in metric.labels {
                let fixed = values_of(metric.name, label).is_some();
                let raw = RAW_LABELS.contains(&(metric.name, *label));
                assert!(
                    fixed != raw,
                    "{}{{{label}}}: list its values in FIXED_LABELS or mark it raw",
                    metric.name
                );
            }
        }
        for entry in FIXED_LABELS {
            let metric = CATALOG.iter().find(|m| m.name == entry.metric);
            assert!(
                metric.is_some_and(|m| m.labels.contains(&entry.label)),
                "{}{{{}}} is not in the catalog",
                entry.metric,
                entry.label
            );
            assert!(!entry.values.is_empty(), "{}", entry.metric);
        }
    }

    #[test]
    fn label_sets_are_the_product_of_the_values() {
        let requests = CATALOG
            .iter()
            .find(|m| m.name == catalog::HUBSPOT_REQUESTS)
            .expect("hubspot_requests_total");
        let sets = label_sets(requests).expect("fixed labels");
        assert_eq!(sets.len(), 4 * 9);
        let latency = CATALOG
            .iter()
            .find(|m| m.name == catalog::HTTP_REQUEST_DURATION_SECONDS)
            .expect("http latency");
        assert!(label_sets(latency).is_none(), "status is a raw label");
        let recorded = CATALOG
            .iter()
            .find(|m| m.name == catalog::WEBHOOK_EVENTS_RECORDED)
            .expect("recorded");
        assert_eq!(label_sets(recorded).map(|s| s.len()), Some(1));
    }
}
