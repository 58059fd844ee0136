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
    /// The contact it was known by now carries another address: look the
    /// address up again at the next check.
    Moved,
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
    /// Confirms every signup of the batch, taking the permits of all its
    /// calls at once. `property`: one batch read by email. `profile`: one
    /// legacy batch profile call, preceded by a batch read by email only for
    /// the signups whose contact is not known yet (not seen by an earlier
    /// check, nor named by an event for their address).
    pub(super) async fn confirm(
        &self,
        records: &[SignupRecord],
        known: &[Option<ContactId>],
    ) -> Result<BatchAnswer, StoreError> {
        let ctx = &self.ctx;
        let strategy = ctx.settings.form_confirmation;
        let unknown: Vec<SignupRecord> = records
            .iter()
            .zip(known)
            .filter(|(_, contact)| contact.is_none())
            .map(|(record, _)| record.clone())
            .collect();
        let read_first = !unknown.is_empty();
        let permits = u32::from(read_first) + u32::from(strategy == FormConfirmation::Profile);
        let reserved = match ctx.reserve_api_permits(permits).await? {
            Ok(reserved) => reserved,
            Err(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
        };
        let contacts = if read_first {
            let read = self.read_contacts(&unknown, strategy).await;
            // HubSpot counted the call on arrival, after the permit's stamp.
            ctx.store.rate_limits().use_permit(&reserved, 1).await?;
            match read {
                Call::Done(contacts) => contacts,
                Call::Wait(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
                Call::Failed(error) => return Ok(BatchAnswer::Failed(error)),
            }
        } else {
            HashMap::new()
        };
        // Each signup's contact: as the read found it, else as known.
        let candidates: Vec<Option<ContactId>> = records
            .iter()
            .zip(known)
            .map(|(record, known)| {
                contacts
                    .get(&record.email.fingerprint())
                    .map(|(id, _)| *id)
                    .or(*known)
            })
            .collect();
        let mut moved_away = Vec::new();
        let submissions: HashMap<ContactId, Vec<Landed>> = match strategy {
            FormConfirmation::Property => contacts
                .values()
                .map(|(id, landed)| (*id, landed.iter().map(clone_landed).collect()))
                .collect(),
            FormConfirmation::Profile => {
                let mut visible: Vec<ContactId> = candidates.iter().flatten().copied().collect();
                visible.sort_unstable();
                visible.dedup();
                if visible.is_empty() {
                    // Nothing to look at: the profile call is not made.
                    ctx.store
                        .rate_limits()
                        .release_permit(&reserved, permits)
                        .await?;
                    HashMap::new()
                } else {
                    let profiles = self
                        .profile_submissions(&visible, records, &candidates)
                        .await;
                    ctx.store
                        .rate_limits()
                        .use_permit(&reserved, permits)
                        .await?;
                    match profiles {
                        Call::Done((found, moved)) => {
                            self.forget_moved(records, &candidates, &moved).await?;
                            moved_away = moved;
                            found
                        }
                        Call::Wait(wait) => return Ok(BatchAnswer::Wait(wait, "rate_limited")),
                        Call::Failed(error) => return Ok(BatchAnswer::Failed(error)),
                    }
                }
            }
        };
        let guid = &ctx.verification.form_guid;
        let skew = crate::clock::millis(ctx.settings.form_clock_skew);
        let readiness = records
            .iter()
            .zip(&candidates)
            .map(|(record, candidate)| {
                let visible = candidate.filter(|c| match strategy {
                    FormConfirmation::Property => true,
                    FormConfirmation::Profile => submissions.contains_key(c),
                });
                let state = match visible {
                    None if candidate.is_some_and(|c| moved_away.contains(&c)) => Readiness::Moved,
                    None => Readiness::NotVisible,
                    Some(contact) => {
                        let earliest = record.submitted_at.saturating_sub(skew);
                        let own = submissions.get(&contact).is_some_and(|list| {
                            list.iter().any(|s| {
                                s.form_guid.eq_ignore_ascii_case(guid)
                                    && s.at.is_some_and(|at| at >= earliest)
                            })
                        });
                        if own {
                            Readiness::Landed(contact)
                        } else {
                            Readiness::NotLanded(contact)
                        }
                    }
                };
                (record.signup_id.clone(), state)
            })
            .collect();
        Ok(BatchAnswer::Known(readiness))
    }

    /// The contact of each signup when it is known without a read: seen by
    /// an earlier check, or named by an event for its address. (`property`
    /// reads every address anyway: none is known.)
    pub(super) async fn known_contacts(
        &self,
        records: &[SignupRecord],
    ) -> Result<Vec<Option<ContactId>>, StoreError> {
        if self.ctx.settings.form_confirmation == FormConfirmation::Property {
            return Ok(vec![None; records.len()]);
        }
        let unseen: Vec<String> = records
            .iter()
            .filter(|r| r.contact_id.is_none())
            .map(|r| r.email.fingerprint())
            .collect();
        let mut hints = self
            .ctx
            .store
            .checks()
            .contact_hints(&unseen)
            .await?
            .into_iter();
        Ok(records
            .iter()
            .map(|r| r.contact_id.or_else(|| hints.next().flatten()))
            .collect())
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
    /// batch profile call). A contact whose profile carries another address
    /// than every signup that expects it comes back apart, as moved (an event
    /// named it for an address it no longer has).
    async fn profile_submissions(
        &self,
        contacts: &[ContactId],
        records: &[SignupRecord],
        candidates: &[Option<ContactId>],
    ) -> Call<(HashMap<ContactId, Vec<Landed>>, Vec<ContactId>)> {
        let ctx = &self.ctx;
        let found = match ctx
            .permitted_call("legacy_batch_profile", || {
                ctx.hubspot.batch_profiles(contacts)
            })
            .await
        {
            Call::Done(found) => found,
            Call::Wait(wait) => return Call::Wait(wait),
            Call::Failed(error) => return Call::Failed(error),
        };
        let mut landed = HashMap::new();
        let mut moved = Vec::new();
        for (id, profile) in found {
            let expected = profile.email.as_deref().is_none_or(|email| {
                records.iter().zip(candidates).any(|(record, candidate)| {
                    *candidate == Some(id) && record.email.as_str().eq_ignore_ascii_case(email)
                })
            });
            if !expected {
                moved.push(id);
                continue;
            }
            let submissions = profile
                .form_submissions
                .into_iter()
                .map(|s| Landed {
                    form_guid: s.form_id,
                    at: s.timestamp,
                })
                .collect();
            landed.insert(id, submissions);
        }
        Call::Done((landed, moved))
    }

    /// Drops the hints that named a contact which carries another address.
    async fn forget_moved(
        &self,
        records: &[SignupRecord],
        candidates: &[Option<ContactId>],
        moved: &[ContactId],
    ) -> Result<(), StoreError> {
        let stale: Vec<String> = records
            .iter()
            .zip(candidates)
            .filter(|(_, c)| c.is_some_and(|c| moved.contains(&c)))
            .map(|(r, _)| r.email.fingerprint())
            .collect();
        self.ctx.store.checks().forget_contact_hints(&stale).await
    }
}

fn clone_landed(landed: &Landed) -> Landed {
    Landed {
        form_guid: landed.form_guid.clone(),
        at: landed.at,
    }
}
