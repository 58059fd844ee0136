use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::*;
use hubspot_simulator::{CreatedBy, PropertyVersion};

fn contact(id: u64, email: &str, source: &str) -> Contact {
    let version = PropertyVersion {
        value: source.to_owned(),
        source_type: "ANALYTICS".to_owned(),
        source_id: None,
        source_label: None,
        timestamp: 0,
    };
    Contact {
        id,
        email: Some(email.to_owned()),
        created_by: CreatedBy::Form,
        created_at: 0,
        updated_at: 0,
        visible_at: 0,
        properties: BTreeMap::from([("hs_analytics_source".to_owned(), vec![version])]),
        form_submissions: Vec::new(),
    }
}

fn email(to: &str, requested_at: u64, sent: bool, existed: bool, visible: bool) -> EmailRecord {
    EmailRecord {
        status_id: format!("s-{to}-{requested_at}"),
        send_id: None,
        email_id: 1,
        to: to.to_owned(),
        requested_at,
        completed_at: requested_at,
        sent,
        send_result: if sent { "SENT" } else { "IDEMPOTENT_IGNORE" }.to_owned(),
        contact_id: Some(1),
        contact_existed: existed,
        contact_visible: visible,
        created_contact: !existed,
        contact_properties: BTreeMap::new(),
        custom_properties: serde_json::Value::Null,
    }
}

#[test]
fn counts_offline_duplicates_premature_and_missing_emails() {
    let submitted: HashMap<String, u64> = [("a@x.io", 1_000), ("b@x.io", 2_000), ("c@x.io", 3_000)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let contacts = vec![
        contact(1, "a@x.io", "DIRECT_TRAFFIC"),
        contact(2, "b@x.io", OFFLINE_SOURCE),
        contact(3, "c@x.io", "DIRECT_TRAFFIC"),
    ];
    let emails = vec![
        email("a@x.io", 1_500, true, true, true),
        email("a@x.io", 1_900, true, true, true),
        email("a@x.io", 1_950, false, true, true),
        email("b@x.io", 2_100, true, false, false),
    ];
    let figures = measure(4, 1, &submitted, &contacts, &emails);
    assert_eq!(figures.signups, 4);
    assert_eq!(figures.failed_signups, 1);
    assert_eq!(figures.contacts_created, 3);
    assert_eq!(figures.offline_contacts, 1);
    assert_eq!(
        figures.emails_delivered, 3,
        "the ignored repeat is not an email"
    );
    assert_eq!(figures.contacts_with_duplicate_emails, 1);
    assert_eq!(figures.premature_emails, 1);
    assert_eq!(
        figures.signups_without_email, 2,
        "c got nothing, and one signup never got handed over"
    );
    assert_eq!(figures.latency_p50, Some(Duration::from_millis(100)));
    assert_eq!(figures.latency_p95, Some(Duration::from_millis(500)));
    assert_eq!(
        figures.ready_to_email_p50, None,
        "no contact here has the form's submission on it"
    );
    assert!((figures.offline_percent() - 100.0 / 3.0).abs() < 1e-9);
}

#[test]
fn an_email_to_an_existing_but_invisible_contact_is_premature() {
    let submitted = HashMap::from([("a@x.io".to_owned(), 0)]);
    let emails = vec![email("a@x.io", 10, true, true, false)];
    let figures = measure(1, 0, &submitted, &[contact(1, "a@x.io", "X")], &emails);
    assert_eq!(figures.premature_emails, 1);
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let values: Vec<Duration> = (1..=20).map(Duration::from_secs).collect();
    assert_eq!(percentile(&values, 50), Some(Duration::from_secs(10)));
    assert_eq!(percentile(&values, 95), Some(Duration::from_secs(19)));
    assert_eq!(percentile(&values[..1], 95), Some(Duration::from_secs(1)));
    assert_eq!(percentile(&[], 50), None);
}

#[test]
fn ready_to_email_counts_from_visible_with_the_form_on_it() {
    let submitted = HashMap::from([("a@x.io".to_owned(), 0), ("b@x.io".to_owned(), 0)]);
    let landed = |at: u64| hubspot_simulator::ContactFormSubmission {
        conversion_id: "c".to_owned(),
        form_id: "f".to_owned(),
        portal_id: 1,
        timestamp: at,
        page_url: None,
        title: String::new(),
    };
    let mut a = contact(1, "a@x.io", "DIRECT_TRAFFIC");
    a.visible_at = 1_000;
    a.form_submissions = vec![landed(800)];
    let mut b = contact(2, "b@x.io", "DIRECT_TRAFFIC");
    b.visible_at = 1_000;
    b.form_submissions = vec![landed(3_000)];
    let emails = vec![
        email("a@x.io", 1_300, true, true, true),
        email("b@x.io", 2_000, true, true, true),
    ];
    let figures = measure(2, 0, &submitted, &[a, b], &emails);
    assert_eq!(
        figures.ready_to_email_p50,
        Some(Duration::ZERO),
        "b's email came before its form"
    );
    assert_eq!(figures.ready_to_email_p95, Some(Duration::from_millis(300)));
}
