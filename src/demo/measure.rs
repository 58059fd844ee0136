//! The figures of one flow, read from the simulator's inspection state: what
//! HubSpot would show for those contacts and emails.

use std::collections::HashMap;
use std::time::Duration;

use hubspot_simulator::{Contact, EmailRecord};

/// Original Source value HubSpot shows as "Offline Sources".
pub const OFFLINE_SOURCE: &str = "OFFLINE";

/// One column of the demo's table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowFigures {
    /// Signups the flow handled.
    pub signups: usize,
    /// Signups whose requests failed for good (the app gave up on them).
    pub failed_signups: usize,
    /// Contacts in the account afterwards.
    pub contacts_created: usize,
    /// Contacts whose Original Source is Offline Sources (attribution lost).
    pub offline_contacts: usize,
    /// Verification emails that actually went out.
    pub emails_delivered: usize,
    /// Signups whose address got no email at all.
    pub signups_without_email: usize,
    /// Contacts that got more than one email.
    pub contacts_with_duplicate_emails: usize,
    /// Emails sent while the contact did not exist or was not yet visible.
    pub premature_emails: usize,
    /// Median time from handing a signup over to its email's send request.
    pub latency_p50: Option<Duration>,
    /// 95th percentile of the same.
    pub latency_p95: Option<Duration>,
    /// Median time from "the contact is visible with the form's submission on
    /// it" to its email's send request (0 for an email sent before that).
    pub ready_to_email_p50: Option<Duration>,
    /// 95th percentile of the same.
    pub ready_to_email_p95: Option<Duration>,
}

impl FlowFigures {
    /// Offline contacts as a percentage of contacts created.
    pub fn offline_percent(&self) -> f64 {
        if self.contacts_created == 0 {
            return 0.0;
        }
        self.offline_contacts as f64 * 100.0 / self.contacts_created as f64
    }
}

/// Computes a flow's figures. `submitted_at` maps each signup's address to
/// when it was handed over (epoch ms, the simulator's clock).
pub fn measure(
    signups: usize,
    failed_signups: usize,
    submitted_at: &HashMap<String, u64>,
    contacts: &[Contact],
    emails: &[EmailRecord],
) -> FlowFigures {
    let sent: Vec<&EmailRecord> = emails.iter().filter(|e| e.sent).collect();
    let mut first_send: HashMap<&str, u64> = HashMap::new();
    let mut per_recipient: HashMap<&str, usize> = HashMap::new();
    for email in &sent {
        *per_recipient.entry(email.to.as_str()).or_default() += 1;
        let first = first_send
            .entry(email.to.as_str())
            .or_insert(email.requested_at);
        *first = (*first).min(email.requested_at);
    }
    let mut latencies: Vec<Duration> = submitted_at
        .iter()
        .filter_map(|(address, at)| {
            let sent_at = first_send.get(address.as_str())?;
            Some(Duration::from_millis(sent_at.saturating_sub(*at)))
        })
        .collect();
    latencies.sort_unstable();
    let mut after_ready: Vec<Duration> = contacts
        .iter()
        .filter_map(|contact| {
            let sent_at = first_send.get(contact.email.as_deref()?)?;
            let landed = contact.form_submissions.iter().map(|s| s.timestamp).min()?;
            let ready = contact.visible_at.max(landed);
            Some(Duration::from_millis(sent_at.saturating_sub(ready)))
        })
        .collect();
    after_ready.sort_unstable();
    FlowFigures {
        signups,
        failed_signups,
        contacts_created: contacts.len(),
        offline_contacts: contacts
            .iter()
            .filter(|c| c.property("hs_analytics_source") == Some(OFFLINE_SOURCE))
            .count(),
        emails_delivered: sent.len(),
        signups_without_email: submitted_at
            .keys()
            .filter(|address| !first_send.contains_key(address.as_str()))
            .count()
            + signups.saturating_sub(submitted_at.len()),
        contacts_with_duplicate_emails: per_recipient.values().filter(|n| **n > 1).count(),
        premature_emails: sent
            .iter()
            .filter(|e| e.created_contact || !e.contact_existed || !e.contact_visible)
            .count(),
        latency_p50: percentile(&latencies, 50),
        latency_p95: percentile(&latencies, 95),
        ready_to_email_p50: percentile(&after_ready, 50),
        ready_to_email_p95: percentile(&after_ready, 95),
    }
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[Duration], pct: usize) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (pct * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
#[path = "measure_tests.rs"]
mod tests;
