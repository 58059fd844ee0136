use std::time::Duration;

use super::*;

fn figures(offline: usize, duplicates: usize, premature: usize, p50_ms: u64) -> FlowFigures {
    FlowFigures {
        signups: 200,
        failed_signups: 0,
        contacts_created: 200,
        offline_contacts: offline,
        emails_delivered: 200,
        signups_without_email: 0,
        contacts_with_duplicate_emails: duplicates,
        premature_emails: premature,
        latency_p50: Some(Duration::from_millis(p50_ms)),
        latency_p95: Some(Duration::from_millis(p50_ms * 2)),
        ready_to_email_p50: Some(Duration::from_millis(p50_ms / 4)),
        ready_to_email_p95: Some(Duration::from_millis(p50_ms / 2)),
    }
}

fn report(reactor: FlowFigures) -> DemoReport {
    DemoReport {
        signups: 200,
        time_scale: 0.02,
        seed: 7,
        stress: Vec::new(),
        key_prefix: "sr-demo:x:".to_owned(),
        naive: figures(94, 0, 94, 100),
        reactor,
        elapsed: Duration::from_secs(9),
    }
}

#[test]
fn the_table_shows_both_flows_side_by_side() {
    let text = render(&report(figures(0, 0, 0, 120)));
    let line = |label: &str| {
        text.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no row {label:?} in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(text.starts_with("200 signups per flow, time scale 0.02, seed 7, stress: none"));
    assert_eq!(
        text.lines()
            .nth(2)
            .map(str::split_whitespace)
            .map(Vec::from_iter),
        Some(vec!["naive", "flow", "reactor", "flow"])
    );
    assert_eq!(line("signups"), "signups 200 200");
    assert_eq!(line("contacts created"), "contacts created 200 200");
    assert_eq!(
        line("Original Source: Offline Sources"),
        "Original Source: Offline Sources 94 (47.0%) 0 (0.0%)"
    );
    assert_eq!(
        line("verification emails delivered"),
        "verification emails delivered 200 200"
    );
    assert_eq!(
        line("contacts with more than one email"),
        "contacts with more than one email 0 0"
    );
    assert_eq!(
        line("emails sent before the contact existed"),
        "emails sent before the contact existed 94 0"
    );
    assert_eq!(
        line("signup-to-email latency p50"),
        "signup-to-email latency p50 5.0 s 6.0 s"
    );
    assert_eq!(
        line("signup-to-email latency p95"),
        "signup-to-email latency p95 10.0 s 12.0 s"
    );
    assert_eq!(
        line("visible-with-form-to-email p50"),
        "visible-with-form-to-email p50 1.2 s 1.5 s"
    );
    assert_eq!(
        line("visible-with-form-to-email p95"),
        "visible-with-form-to-email p95 2.5 s 3.0 s"
    );
    assert!(!text.contains("signups whose requests failed"));
    assert!(text.contains("reactor flow: OK"), "{text}");
}

#[test]
fn columns_line_up() {
    let text = render(&report(figures(0, 0, 0, 120)));
    let widths: Vec<usize> = text
        .lines()
        .skip(2)
        .take_while(|l| !l.is_empty())
        .map(|l| l.chars().count())
        .collect();
    assert_eq!(widths.len(), 12, "{text}");
    assert!(
        widths.iter().all(|w| *w == LABEL + 2 * COLUMN),
        "{widths:?}"
    );
}

#[test]
fn a_failing_reactor_flow_says_why() {
    let mut bad = figures(2, 1, 3, 120);
    bad.emails_delivered = 198;
    bad.signups_without_email = 3;
    let text = render(&report(bad));
    assert!(text.contains("reactor flow: FAILED"), "{text}");
    assert!(text.contains("2 contacts lost their attribution"));
    assert!(text.contains("1 contacts got more than one email"));
    assert!(text.contains("3 emails went out before their contact existed"));
    assert!(text.contains("198 emails for 200 signups"));
    assert!(text.contains("signups without an email"));
}
