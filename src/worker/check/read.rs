//! The batch read by email of the confirm stage: the contacts of the
//! addresses nobody named, and (`FORM_CONFIRMATION=property`) their
//! submissions from `hs_calculated_form_submissions`.

use std::collections::HashMap;

use crate::domain::{ContactId, Email, SignupRecord};
use crate::hubspot::crm::{CALCULATED_FORM_SUBMISSIONS, parse_calculated_form_submissions};
use crate::worker::WorkerContext;
use crate::worker::hubspot_call::{Call, counted};

/// One form submission seen on a contact: the form and when.
pub struct Landed {
    pub form_guid: String,
    pub at: Option<u64>,
}

/// What the read by email found: by fingerprint, the contact and (with
/// `property`) its submissions; the fingerprints HubSpot answered with an error.
#[derive(Default)]
pub struct Found {
    pub contacts: HashMap<String, (ContactId, Vec<Landed>)>,
    pub unreadable: Vec<String>,
}

/// The batch read by email (addresses in the body, never in a URL). A 207's
/// not-found inputs are simply absent; its other per-input errors make those
/// inputs unreadable (they are asked again), not the batch.
pub async fn read_by_email(
    ctx: &WorkerContext,
    records: &[&SignupRecord],
    profile: bool,
) -> Call<Found> {
    let mut emails: Vec<String> = records
        .iter()
        .map(|r| r.email.as_str().to_owned())
        .collect();
    emails.sort_unstable();
    emails.dedup();
    let mut properties = vec!["email"];
    if !profile {
        properties.push(CALCULATED_FORM_SUBMISSIONS);
    }
    let read = match counted(
        "crm_batch_read",
        ctx.hubspot
            .batch_read_contacts(&emails, Some("email"), &properties),
    )
    .await
    {
        Call::Done(read) => read,
        Call::Failed(failure, error) => return Call::Failed(failure, error),
    };
    let unreadable: Vec<String> = read
        .other_errors
        .iter()
        .flat_map(|e| e.ids().iter())
        .filter_map(|input| Email::parse(input).ok())
        .map(|email| email.fingerprint())
        .collect();
    if !read.other_errors.is_empty() {
        tracing::warn!(errors = ?read.other_errors, "batch read reported errors; those signups are asked again");
    }
    let contacts = read
        .results
        .iter()
        .filter_map(|contact| {
            let id = contact.contact_id()?;
            let email = Email::parse(contact.property("email")?).ok()?;
            let landed = contact
                .property(CALCULATED_FORM_SUBMISSIONS)
                .map(parse_calculated_form_submissions)
                .unwrap_or_default()
                .into_iter()
                .map(|s| Landed {
                    form_guid: s.form_guid,
                    at: s.submitted_at,
                })
                .collect();
            Some((email.fingerprint(), (id, landed)))
        })
        .collect();
    Call::Done(Found {
        contacts,
        unreadable,
    })
}
