//! Confirming a batch of signups: which contacts are visible (read by email),
//! and whether each signup's own form submission landed on its contact, by
//! the strategy `FORM_CONFIRMATION` chooses. Every call takes its permits
//! from the shared API quota before it is made, all at once.

use std::collections::HashMap;
use std::time::Duration;

use super::check::SignupChecker;
use super::hubspot_call::Call;
use crate::config::FormConfirmation;
use crate::domain::{ContactId, SignupRecord};
use crate::hubspot::HubSpotError;
use crate::store::StoreError;

/// Where one signup stands after a batch confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Readiness {
    /// No contact with its address is visible yet.
    NotVisible,
    /// The contact is visible; this signup's submission is not on it yet.
    NotLanded(ContactId),
    /// The contact is visible with this signup's submission on it.
    Landed(ContactId),
}

/// The answer for a whole batch.
pub(super) enum BatchAnswer {
    /// By signupId.
    Known(HashMap<String, Readiness>),
    /// Over quota or rate-limited: the whole batch waits this long.
    Wait(Duration, &'static str),
    Failed(HubSpotError),
}

/// One form submission seen on a contact: the form and when.
pub(super) struct Landed {
    pub form_guid: String,
    pub at: Option<u64>,
}

impl SignupChecker {
    /// Confirms every signup of the batch.
    pub(super) async fn confirm(
        &self,
        records: &[SignupRecord],
    ) -> Result<BatchAnswer, StoreError> {
        let contacts = match self.read_contacts(records).await? {
            Call::Done(contacts) => contacts,
            Call::Wait(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
            Call::Failed(error) => return Ok(BatchAnswer::Failed(error)),
        };
        let visible: Vec<ContactId> = {
            let mut ids: Vec<ContactId> = contacts.values().map(|(id, _)| *id).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let submissions = match self.ctx.settings.form_confirmation {
            FormConfirmation::Property => contacts
                .values()
                .map(|(id, landed)| (*id, landed.iter().map(clone_landed).collect()))
                .collect(),
            FormConfirmation::Profile => match self.profile_submissions(&visible).await? {
                Call::Done(found) => found,
                Call::Wait(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
                Call::Failed(error) => return Ok(BatchAnswer::Failed(error)),
            },
        };
        let guid = &self.ctx.verification.form_guid;
        let skew = crate::clock::millis(self.ctx.settings.form_clock_skew);
        let readiness = records
            .iter()
            .map(|record| {
                let state = match contacts.get(&record.email.fingerprint()) {
                    None => Readiness::NotVisible,
                    Some((contact, _)) => {
                        let earliest = record.submitted_at.saturating_sub(skew);
                        let own = submissions.get(contact).is_some_and(|list: &Vec<Landed>| {
                            list.iter().any(|s| {
                                s.form_guid.eq_ignore_ascii_case(guid)
                                    && s.at.is_some_and(|at| at >= earliest)
                            })
                        });
                        if own {
                            Readiness::Landed(*contact)
                        } else {
                            Readiness::NotLanded(*contact)
                        }
                    }
                };
                (record.signup_id.clone(), state)
            })
            .collect();
        Ok(BatchAnswer::Known(readiness))
    }

    /// The visible contacts of the batch's addresses, by email fingerprint,
    /// with the submissions their properties carry (`property` strategy).
    async fn read_contacts(
        &self,
        records: &[SignupRecord],
    ) -> Result<Call<HashMap<String, (ContactId, Vec<Landed>)>>, StoreError> {
        let ctx = &self.ctx;
        let mut emails: Vec<_> = records.iter().map(|r| r.email.clone()).collect();
        emails.sort_by_key(|e| e.fingerprint());
        emails.dedup_by_key(|e| e.fingerprint());
        let permits = u32::try_from(emails.len()).unwrap_or(u32::MAX);
        if let Some(wait) = ctx.take_api_permits(permits).await? {
            return Ok(Call::Wait(wait));
        }
        let mut found = HashMap::new();
        for email in emails {
            let result = ctx
                .permitted_call("crm_contact_by_email", || {
                    ctx.hubspot.get_contact_by_email(&email, &["email"])
                })
                .await;
            match result {
                Call::Done(Some(contact)) => {
                    if let Ok(id) = ContactId::parse(&contact.id) {
                        found.insert(email.fingerprint(), (id, Vec::new()));
                    }
                }
                Call::Done(None) => {}
                Call::Wait(wait) => return Ok(Call::Wait(wait)),
                Call::Failed(error) => return Ok(Call::Failed(error)),
            }
        }
        Ok(Call::Done(found))
    }

    /// The signup form's submissions on each visible contact (legacy profile).
    async fn profile_submissions(
        &self,
        contacts: &[ContactId],
    ) -> Result<Call<HashMap<ContactId, Vec<Landed>>>, StoreError> {
        let ctx = &self.ctx;
        if contacts.is_empty() {
            return Ok(Call::Done(HashMap::new()));
        }
        let permits = u32::try_from(contacts.len()).unwrap_or(u32::MAX);
        if let Some(wait) = ctx.take_api_permits(permits).await? {
            return Ok(Call::Wait(wait));
        }
        let mut found = HashMap::new();
        for contact in contacts {
            let result = ctx
                .permitted_call("legacy_profile", || {
                    ctx.hubspot.get_form_submissions(*contact)
                })
                .await;
            match result {
                Call::Done(list) => {
                    let landed = list
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| Landed {
                            form_guid: s.form_id,
                            at: s.timestamp,
                        })
                        .collect();
                    found.insert(*contact, landed);
                }
                Call::Wait(wait) => return Ok(Call::Wait(wait)),
                Call::Failed(error) => return Ok(Call::Failed(error)),
            }
        }
        Ok(Call::Done(found))
    }
}

fn clone_landed(landed: &Landed) -> Landed {
    Landed {
        form_guid: landed.form_guid.clone(),
        at: landed.at,
    }
}
