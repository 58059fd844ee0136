//! `signup-reactor check --contact ID`: probes one contact of the portal and
//! says, line by line, what each way of confirming a signup concludes. Some of
//! HubSpot's 2026 formats are unconfirmed (`hs_calculated_form_submissions`);
//! this lets an operator see what their portal really answers.

use super::format_ms;
use super::preflight_line::{PreflightLine, Verdict, line};
use crate::config::Config;
use crate::domain::{ContactId, Email};
use crate::hubspot::HubSpotClient;
use crate::hubspot::crm::{
    CALCULATED_FORM_SUBMISSIONS, Contact, parse_calculated_form_submissions,
};

/// One line per confirmation step for the contact `raw_id`.
pub async fn probe(config: &Config, client: &HubSpotClient, raw_id: &str) -> Vec<PreflightLine> {
    let id = match ContactId::parse(raw_id) {
        Ok(id) => id,
        Err(error) => return vec![line(Verdict::Fail, "contact id", error.to_string())],
    };
    let version = client.api_version();
    let ids = [id.to_string()];
    let properties = ["email", CALCULATED_FORM_SUBMISSIONS];
    let read = match client.batch_read_contacts(&ids, None, &properties).await {
        Ok(read) => read,
        Err(error) => {
            return vec![line(
                Verdict::Fail,
                "contact visible",
                format!("batch read on API {version} failed: {error}"),
            )];
        }
    };
    let Some(contact) = read.results.into_iter().next() else {
        return vec![line(
            Verdict::Warn,
            "contact visible",
            format!(
                "no: API {version} answered OBJECT_NOT_FOUND (not created, or not visible yet)"
            ),
        )];
    };
    let guid = config.hubspot.signup_form_guid.as_str();
    vec![
        line(
            Verdict::Ok,
            "contact visible",
            format!("yes, answered by API {version}"),
        ),
        email_line(&contact),
        profile_line(client, id, guid).await,
        property_line(&contact, guid),
    ]
}

/// Whether the contact has an email; shown as a fingerprint, never in clear.
fn email_line(contact: &Contact) -> PreflightLine {
    match contact.property("email").map(Email::parse) {
        Some(Ok(email)) => line(
            Verdict::Ok,
            "contact email",
            format!("present (fingerprint {})", email.fingerprint()),
        ),
        Some(Err(_)) => line(Verdict::Warn, "contact email", "present but not an address"),
        None => line(Verdict::Warn, "contact email", "none"),
    }
}

/// The signup form on the legacy batch profile (the `profile` strategy).
async fn profile_line(client: &HubSpotClient, id: ContactId, guid: &str) -> PreflightLine {
    const NAME: &str = "form by legacy profile";
    match client.batch_form_submissions(&[id]).await {
        Err(error) => line(
            Verdict::Fail,
            NAME,
            format!("legacy batch profile failed: {error}"),
        ),
        Ok(profiles) => match profiles.get(&id) {
            None => line(
                Verdict::Warn,
                NAME,
                "the legacy profile does not list the contact yet",
            ),
            Some(submissions) => {
                let newest = submissions
                    .iter()
                    .filter(|s| s.form_id.eq_ignore_ascii_case(guid))
                    .filter_map(|s| s.timestamp)
                    .max();
                let count = submissions
                    .iter()
                    .filter(|s| s.form_id.eq_ignore_ascii_case(guid))
                    .count();
                landed(NAME, count, newest)
            }
        },
    }
}

/// The signup form in `hs_calculated_form_submissions` (the `property` strategy).
fn property_line(contact: &Contact, guid: &str) -> PreflightLine {
    const NAME: &str = "form by property";
    let Some(raw) = contact.property(CALCULATED_FORM_SUBMISSIONS) else {
        return line(
            Verdict::Warn,
            NAME,
            format!(
                "{CALCULATED_FORM_SUBMISSIONS} not returned (empty, or not offered by this API)"
            ),
        );
    };
    let entries = parse_calculated_form_submissions(raw);
    if entries.is_empty() {
        return line(
            Verdict::Warn,
            NAME,
            format!("{CALCULATED_FORM_SUBMISSIONS} did not parse as <formGuid>::<timestamp>;…"),
        );
    }
    let ours: Vec<_> = entries.iter().filter(|e| e.form_guid == guid).collect();
    let newest = ours.iter().filter_map(|e| e.submitted_at).max();
    landed(NAME, ours.len(), newest)
}

fn landed(name: &'static str, count: usize, newest: Option<u64>) -> PreflightLine {
    match (count, newest) {
        (0, _) => line(Verdict::Warn, name, "no submission of the signup form"),
        (n, Some(at)) => line(
            Verdict::Ok,
            name,
            format!(
                "{n} submission(s) of the signup form, newest at {}",
                format_ms(at)
            ),
        ),
        (n, None) => line(
            Verdict::Ok,
            name,
            format!("{n} submission(s) of the signup form, without a time"),
        ),
    }
}
