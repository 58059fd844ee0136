//! deploy/prometheus/alerts.yml and deploy/grafana/signup-reactor.json name
//! only metrics of the catalog, and every alert has a summary and a runbook
//! row in the README.

use std::collections::BTreeSet;

use signup_reactor::telemetry::catalog::CATALOG;

use crate::readme::section;
use crate::support::{at, read, seq_at, yaml};

/// Metrics the alerts and the dashboard may name before they are in the
/// catalog: gauges another part of the reactor adds
/// (`hubspot_credentials_refused`: 1 while HubSpot refuses the access token).
const METRICS_ADDED_BY_THE_WORKER: &[&str] = &["hubspot_credentials_refused"];

/// PromQL words that are not metric names.
const KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "offset",
    "bool",
    "inf",
    "nan",
];

/// The metric names a PromQL expression reads: identifiers that are not
/// functions (followed by `(`), label matchers, grouping labels, durations,
/// strings or keywords.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let mut text = String::new();
    let (mut braces, mut quoted, mut brackets) = (0, false, 0);
    for c in expr.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted => braces += 1,
            '}' if !quoted => braces -= 1,
            '[' if !quoted => brackets += 1,
            ']' if !quoted => brackets -= 1,
            _ if quoted || braces > 0 || brackets > 0 => {}
            _ => text.push(c),
        }
        if matches!(c, '{' | '[' | '"') {
            text.push(' ');
        }
    }
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(tail.len());
        let word = &tail[..end];
        let after = tail[end..].trim_start();
        let preceded_by_digit = start > 0 && rest.as_bytes()[start - 1].is_ascii_digit();
        if matches!(word, "by" | "without" | "on" | "ignoring") {
            // A label list: skip past its closing parenthesis.
            let close = tail.find(')').map_or(tail.len(), |i| i + 1);
            rest = &tail[close..];
            continue;
        }
        // An aggregation written `sum by (...) (...)` is not a metric either.
        let aggregation =
            after.starts_with("by ") || after.starts_with("by(") || after.starts_with("without");
        if !after.starts_with('(')
            && !aggregation
            && !KEYWORDS.contains(&word)
            && !preceded_by_digit
        {
            names.insert(word.to_owned());
        }
        rest = &tail[end..];
    }
    names
}

/// The catalog metric a series name belongs to (histograms export `_bucket`, `_sum`, `_count`).
fn known(name: &str) -> bool {
    let base = ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name);
    CATALOG.iter().any(|m| m.name == name || m.name == base)
        || METRICS_ADDED_BY_THE_WORKER.contains(&name)
}

fn alert_rules() -> Vec<serde_yaml_ng::Value> {
    let rules = yaml("deploy/prometheus/alerts.yml");
    seq_at(&rules, &["groups"])
        .iter()
        .flat_map(|group| seq_at(group, &["rules"]).to_vec())
        .collect()
}

#[test]
fn promql_metric_names_are_found() {
    let names = metric_names(
        r#"histogram_quantile(0.95, sum by (le) (rate(signup_to_email_seconds_bucket{a="b c"}[5m]))) or vector(0) and on() max(open_signups) > 1e3"#,
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["open_signups", "signup_to_email_seconds_bucket"]
    );
}

#[test]
fn every_alert_names_catalog_metrics_and_has_a_summary_and_a_runbook_row() {
    let readme = read("README.md");
    let runbook = section(&readme, "## Runbook");
    let rules = alert_rules();
    assert!(rules.len() >= 9, "{} alerts", rules.len());
    for rule in &rules {
        let name = at(rule, &["alert"]).as_str().expect("alert name");
        let expr = at(rule, &["expr"]).as_str().expect("expr");
        let names = metric_names(expr);
        assert!(!names.is_empty(), "{name}: no metric in {expr}");
        for metric in &names {
            assert!(
                known(metric),
                "{name} reads {metric}, which is not in the catalog"
            );
        }
        for annotation in ["summary", "description", "runbook"] {
            assert!(
                at(rule, &["annotations", annotation]).as_str().is_some(),
                "{name} has no {annotation}"
            );
        }
        assert!(
            runbook.contains(&format!("`{name}`")),
            "the README's runbook has no row for {name}"
        );
    }
}

#[test]
fn the_dashboard_names_only_catalog_metrics() {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/grafana/signup-reactor.json")).expect("dashboard JSON");
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(panels.len() >= 8, "{} panels", panels.len());
    let mut seen = BTreeSet::new();
    for panel in panels {
        let targets = panel["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "panel {} has no query", panel["title"]);
        for target in targets {
            let expr = target["expr"].as_str().expect("expr");
            for metric in metric_names(expr) {
                assert!(
                    known(&metric),
                    "panel {} reads {metric}, which is not in the catalog",
                    panel["title"]
                );
                seen.insert(metric);
            }
        }
    }
    for expected in [
        "signups_accepted_total",
        "emails_sent_total",
        "signup_to_email_seconds_bucket",
        "confirmed_to_email_seconds_bucket",
        "hubspot_calls_deferred_total",
        "open_signups_oldest_age_seconds",
        "forms_retry_queue_oldest_age_seconds",
        "dead_letters_total",
        "webhook_requests_rejected_total",
        "redis_errors_total",
    ] {
        assert!(
            seen.contains(expected),
            "the dashboard does not show {expected}"
        );
    }
}
