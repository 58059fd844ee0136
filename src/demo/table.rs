//! The side-by-side table a demo run prints.

use std::fmt::Write as _;
use std::time::Duration;

use super::measure::FlowFigures;
use super::report::DemoReport;

/// Width of the row labels.
const LABEL: usize = 40;
/// Width of each flow's column.
const COLUMN: usize = 14;

/// Renders `report` as plain text: a header, one row per figure, notes and
/// the verdict on the reactor flow.
pub fn render(report: &DemoReport) -> String {
    let mut out = String::new();
    let stress = if report.stress.is_empty() {
        "none".to_owned()
    } else {
        report.stress.join(", ")
    };
    let _ = writeln!(
        out,
        "{} signups per flow, time scale {}, seed {}, stress: {stress}\n",
        report.signups, report.time_scale, report.seed
    );
    row(&mut out, "", "naive flow", "reactor flow");
    row(&mut out, "", &"-".repeat(10), &"-".repeat(12));
    let (n, r) = (&report.naive, &report.reactor);
    let count = |f: fn(&FlowFigures) -> usize| (f(n).to_string(), f(r).to_string());
    let lines: Vec<(&str, (String, String))> = vec![
        ("signups", count(|f| f.signups)),
        ("contacts created", count(|f| f.contacts_created)),
        ("Original Source: Offline Sources", (offline(n), offline(r))),
        (
            "verification emails delivered",
            count(|f| f.emails_delivered),
        ),
        (
            "contacts with more than one email",
            count(|f| f.contacts_with_duplicate_emails),
        ),
        (
            "emails sent before the contact existed",
            count(|f| f.premature_emails),
        ),
        (
            "signup-to-email latency p50",
            latencies(n.latency_p50, r.latency_p50, report.time_scale),
        ),
        (
            "signup-to-email latency p95",
            latencies(n.latency_p95, r.latency_p95, report.time_scale),
        ),
        (
            "visible-with-form-to-email p50",
            latencies(
                n.ready_to_email_p50,
                r.ready_to_email_p50,
                report.time_scale,
            ),
        ),
        (
            "visible-with-form-to-email p95",
            latencies(
                n.ready_to_email_p95,
                r.ready_to_email_p95,
                report.time_scale,
            ),
        ),
    ];
    for (label, (naive, reactor)) in &lines {
        row(&mut out, label, naive, reactor);
    }
    if n.failed_signups + r.failed_signups > 0 {
        let (naive, reactor) = count(|f| f.failed_signups);
        row(&mut out, "signups whose requests failed", &naive, &reactor);
    }
    if n.signups_without_email + r.signups_without_email > 0 {
        let (naive, reactor) = count(|f| f.signups_without_email);
        row(&mut out, "signups without an email", &naive, &reactor);
    }
    out.push('\n');
    out.push_str("naive flow:   submit the form, wait 5 s, Single Send with contactProperties\n");
    out.push_str("reactor flow: POST /v1/signups, nothing else\n");
    out.push_str("latencies in HubSpot time (wall clock divided by the time scale)\n\n");
    let problems = report.reactor_problems();
    if problems.is_empty() {
        let _ = writeln!(
            out,
            "reactor flow: OK (0 Offline Sources, 0 duplicates, 0 premature sends, {} emails)",
            r.emails_delivered
        );
    } else {
        let _ = writeln!(out, "reactor flow: FAILED ({})", problems.join("; "));
    }
    out
}

fn row(out: &mut String, label: &str, naive: &str, reactor: &str) {
    let _ = writeln!(out, "{label:<LABEL$}{naive:>COLUMN$}{reactor:>COLUMN$}");
}

fn offline(figures: &FlowFigures) -> String {
    format!(
        "{} ({:.1}%)",
        figures.offline_contacts,
        figures.offline_percent()
    )
}

fn latencies(naive: Option<Duration>, reactor: Option<Duration>, scale: f64) -> (String, String) {
    (hubspot_time(naive, scale), hubspot_time(reactor, scale))
}

/// A wall-clock latency expressed in HubSpot time.
fn hubspot_time(latency: Option<Duration>, scale: f64) -> String {
    match latency {
        Some(latency) if scale > 0.0 => format!("{:.1} s", latency.as_secs_f64() / scale),
        _ => "-".to_owned(),
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
