//! Confirming a batch of signups: which contacts are visible (one batch read
//! by email), and whether each signup's own form submission landed on its
//! contact, by the strategy `FORM_CONFIRMATION` chooses. The batch takes the
//! permits of all its calls from the shared API quota at once.

use std::collections::HashMap;
use std::time::Duration;

use super::check::SignupChecker;
use super::hubspot_call::Call;
use crate::config::FormConfirmation;
use crate::domain::{ContactId, Email, SignupRecord};
use crate::hubspot::HubSpotError;
use crate::hubspot::crm::{CALCULATED_FORM_SUBMISSIONS, parse_calculated_form_submissions};
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
    /// Confirms every signup of the batch: one batch read by email and, for
    /// `profile`, one legacy batch profile call; both permits taken at once.
    pub(super) async fn confirm(
        &self,
        records: &[SignupRecord],
    ) -> Result<BatchAnswer, StoreError> {
        let ctx = &self.ctx;
        let strategy = ctx.settings.form_confirmation;
        let permits = match strategy {
            FormConfirmation::Profile => 2,
            FormConfirmation::Property => 1,
        };
        let reserved = match ctx.reserve_api_permits(permits).await? {
            Ok(reserved) => reserved,
            Err(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
        };
        let contacts = match self.read_contacts(records, strategy).await {
            Call::Done(contacts) => contacts,
            Call::Wait(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
            Call::Failed(error) => return Ok(BatchAnswer::Failed(error)),
        };
        let submissions: HashMap<ContactId, Vec<Landed>> = match strategy {
            FormConfirmation::Property => contacts
                .values()
                .map(|(id, landed)| (*id, landed.iter().map(clone_landed).collect()))
                .collect(),
            FormConfirmation::Profile => {
                let mut visible: Vec<ContactId> = contacts.values().map(|(id, _)| *id).collect();
                visible.sort_unstable();
                visible.dedup();
                // The second call is made now: its permit counts from now.
                ctx.store.rate_limits().use_permit(&reserved, 2).await?;
                match self.profile_submissions(&visible).await {
                    Call::Done(found) => found,
                    Call::Wait(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
                    Call::Failed(error) => return Ok(BatchAnswer::Failed(error)),
                }
            }
        };
        let guid = &ctx.verification.form_guid;
        let skew = crate::clock::millis(ctx.settings.form_clock_skew);
        let readiness = records
            .iter()
            .map(|record| {
                let state = match contacts.get(&record.email.fingerprint()) {
                    None => Readiness::NotVisible,
                    Some((contact, _)) => {
                        let earliest = record.submitted_at.saturating_sub(skew);
                        let own = submissions.get(contact).is_some_and(|list| {
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

    /// The visible contacts of the batch's addresses (one batch read by
    /// email; a 207's not-found inputs are simply absent), by fingerprint,
    /// with the submissions their `hs_calculated_form_submissions` lists.
    async fn read_contacts(
        &self,
        records: &[SignupRecord],
        strategy: FormConfirmation,
    ) -> Call<HashMap<String, (ContactId, Vec<Landed>)>> {
        let ctx = &self.ctx;
        let mut emails: Vec<String> = records
            .iter()
            .map(|r| r.email.as_str().to_owned())
            .collect();
        emails.sort_unstable();
        emails.dedup();
        let mut properties = vec!["email"];
        if strategy == FormConfirmation::Property {
            properties.push(CALCULATED_FORM_SUBMISSIONS);
        }
        let read = match ctx
            .permitted_call("crm_batch_read", || {
                ctx.hubspot
                    .batch_read_contacts(&emails, Some("email"), &properties)
            })
            .await
        {
            Call::Done(read) => read,
            Call::Wait(wait) => return Call::Wait(wait),
            Call::Failed(error) => return Call::Failed(error),
        };
        if !read.other_errors.is_empty() {
            tracing::warn!(errors = ?read.other_errors, "batch read reported errors; those signups wait");
        }
        let found = read
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
        Call::Done(found)
    }

    /// The signup form's submissions on each visible contact (one legacy
    /// batch profile call).
    async fn profile_submissions(
        &self,
        contacts: &[ContactId],
    ) -> Call<HashMap<ContactId, Vec<Landed>>> {
        let ctx = &self.ctx;
        if contacts.is_empty() {
            return Call::Done(HashMap::new());
        }
        match ctx
            .permitted_call("legacy_batch_profile", || {
                ctx.hubspot.batch_form_submissions(contacts)
            })
            .await
        {
            Call::Done(found) => Call::Done(
                found
                    .into_iter()
                    .map(|(id, list)| {
                        let landed = list
                            .into_iter()
                            .map(|s| Landed {
                                form_guid: s.form_id,
                                at: s.timestamp,
                            })
                            .collect();
                        (id, landed)
                    })
                    .collect(),
            ),
            Call::Wait(wait) => Call::Wait(wait),
            Call::Failed(error) => Call::Failed(error),
        }
    }
}

fn clone_landed(landed: &Landed) -> Landed {
    Landed {
        form_guid: landed.form_guid.clone(),
        at: landed.at,
    }
}
