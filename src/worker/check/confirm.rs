//! The confirm stage: for one batch, at most two calls under one permit
//! guard. A batch read by email for the signups whose contact nobody named,
//! then (`FORM_CONFIRMATION=profile`) one legacy batch profile by contact
//! id, for the contacts known, found, and named by creation events: it
//! carries each contact's address and form submissions, so a contact named
//! only by its creation event confirms its signup in that same call.

use std::collections::HashMap;
use std::time::Duration;

use super::plan::{How, Seen};
use super::read::{Found, Landed, read_by_email};
use crate::config::FormConfirmation;
use crate::domain::{ContactId, Email, SignupRecord};
use crate::hubspot::{ContactProfile, HubSpotError, MAX_BATCH_INPUTS};
use crate::store::{Limiter, PermitGuard, PermitRequest, StoreError};
use crate::worker::WorkerContext;
use crate::worker::hubspot_call::{Call, Failure, counted};

/// One signup to confirm, and how its contact is looked for.
pub struct ToConfirm {
    pub record: SignupRecord,
    pub how: How,
}

/// The stage's answer for the batch.
pub enum Answer {
    /// Per signup, in the batch's order; and the candidates whose profile
    /// was not readable yet.
    Seen {
        seen: Vec<Seen>,
        unread: Vec<ContactId>,
    },
    /// No permits now: the batch waits this long (no call was made).
    Wait(Duration),
    /// A shared call failed: no verdict on any signup.
    Failed(Failure, &'static str, HubSpotError),
}

/// Confirms the batch; `candidates`: contacts creation events named that
/// no address is matched to yet.
pub async fn confirm(
    ctx: &WorkerContext,
    batch: &[ToConfirm],
    candidates: &[ContactId],
) -> Result<Answer, StoreError> {
    let profile = ctx.settings.form_confirmation == FormConfirmation::Profile;
    let by_email: Vec<&SignupRecord> = batch
        .iter()
        .filter(|t| t.how == How::Email)
        .map(|t| &t.record)
        .collect();
    let read_first = !by_email.is_empty();
    let permits = u32::from(read_first) + u32::from(profile);
    let request = PermitRequest::new(Limiter::Api, ctx.settings.api_quota, permits);
    let mut guard = match PermitGuard::reserve(&ctx.store, &[request]).await? {
        Ok(guard) => guard,
        Err(wait) => {
            metrics::counter!(crate::telemetry::catalog::HUBSPOT_CALLS_DEFERRED, "endpoint" => "batch")
                .increment(1);
            return Ok(Answer::Wait(wait));
        }
    };
    crate::worker::telemetry::api_permits(permits);
    let found = if read_first {
        match guard
            .call_counted(read_by_email(ctx, &by_email, profile), taken_from_quota)
            .await
        {
            Call::Done(found) => found,
            Call::Failed(failure, error) => {
                guard.release().await?;
                return Ok(Answer::Failed(failure, "crm_batch_read", error));
            }
        }
    } else {
        Found::default()
    };
    let mut profiles = HashMap::new();
    if profile {
        let mut vids: Vec<ContactId> = batch
            .iter()
            .filter_map(|t| match t.how {
                How::Id(contact) => Some(contact),
                _ => None,
            })
            .chain(found.contacts.values().map(|(id, _)| *id))
            .collect();
        vids.sort_unstable();
        vids.dedup();
        for candidate in candidates {
            if vids.len() >= MAX_BATCH_INPUTS {
                break;
            }
            if !vids.contains(candidate) {
                vids.push(*candidate);
            }
        }
        if !vids.is_empty() {
            let call = counted("legacy_batch_profile", ctx.hubspot.batch_profiles(&vids));
            match guard.call_counted(call, taken_from_quota).await {
                Call::Done(answer) => profiles = answer,
                Call::Failed(failure, error) => {
                    guard.release().await?;
                    return Ok(Answer::Failed(failure, "legacy_batch_profile", error));
                }
            }
        }
    }
    guard.release().await?;
    let seen = batch
        .iter()
        .map(|t| judge(ctx, t, &found, &profiles, profile))
        .collect();
    settle_hints(ctx, batch, &profiles, candidates).await?;
    let unread = candidates
        .iter()
        .filter(|c| !profiles.contains_key(c))
        .copied()
        .collect();
    Ok(Answer::Seen { seen, unread })
}

/// Whether HubSpot took the call from the quota (it does not count a call
/// it turned away with a 429 or a 503).
fn taken_from_quota<T>(call: &Call<T>) -> bool {
    !matches!(call, Call::Failed(_, error) if error.turned_away())
}

/// Where one signup stands, from the answers.
fn judge(
    ctx: &WorkerContext,
    item: &ToConfirm,
    found: &Found,
    profiles: &HashMap<ContactId, ContactProfile>,
    profile: bool,
) -> Seen {
    let record = &item.record;
    let fingerprint = record.email.fingerprint();
    if found.unreadable.contains(&fingerprint) {
        return Seen::Unreadable;
    }
    let landed = |contact: ContactId, list: &[Landed]| {
        if own_submission(ctx, record, list) {
            Seen::Landed(contact)
        } else {
            Seen::NotLanded(contact)
        }
    };
    if !profile {
        return match found.contacts.get(&fingerprint) {
            Some((contact, list)) => landed(*contact, list),
            None => Seen::NotReadable,
        };
    }
    let same_address = |p: &ContactProfile| {
        p.email
            .as_deref()
            .is_none_or(|e| record.email.as_str().eq_ignore_ascii_case(e))
    };
    let named = match item.how {
        How::Id(contact) => Some(contact),
        _ => found.contacts.get(&fingerprint).map(|(id, _)| *id),
    };
    if let Some(contact) = named {
        return match profiles.get(&contact) {
            Some(p) if same_address(p) => landed(contact, &submissions(p)),
            Some(_) if matches!(item.how, How::Id(_)) => Seen::Moved,
            _ => Seen::NotReadable,
        };
    }
    // Named only by a creation event: its profile carries the address.
    profiles
        .iter()
        .find(|(_, p)| {
            p.email
                .as_deref()
                .is_some_and(|e| record.email.as_str().eq_ignore_ascii_case(e))
        })
        .map_or(Seen::NotReadable, |(contact, p)| {
            landed(*contact, &submissions(p))
        })
}

fn submissions(profile: &ContactProfile) -> Vec<Landed> {
    profile
        .form_submissions
        .iter()
        .map(|s| Landed {
            form_guid: s.form_id.clone(),
            at: s.timestamp,
        })
        .collect()
}

/// Whether this signup's own submission is among `list`: the signup form,
/// recorded no earlier than the signup (less `FORM_CLOCK_SKEW`).
fn own_submission(ctx: &WorkerContext, record: &SignupRecord, list: &[Landed]) -> bool {
    let guid = &ctx.verification.form_guid;
    let earliest = record
        .submitted_at
        .saturating_sub(crate::clock::millis(ctx.settings.form_clock_skew));
    list.iter()
        .any(|s| s.form_guid.eq_ignore_ascii_case(guid) && s.at.is_some_and(|at| at >= earliest))
}

/// After a profile answer: the hints that named a contact which now
/// carries another address are dropped; every readable candidate leaves the
/// candidates, its address hinted to it (a signup of that address in
/// another batch then reads it by id).
async fn settle_hints(
    ctx: &WorkerContext,
    batch: &[ToConfirm],
    profiles: &HashMap<ContactId, ContactProfile>,
    candidates: &[ContactId],
) -> Result<(), StoreError> {
    let stale: Vec<String> = batch
        .iter()
        .filter(|t| match t.how {
            How::Id(contact) => profiles.get(&contact).is_some_and(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|e| !t.record.email.as_str().eq_ignore_ascii_case(e))
            }),
            _ => false,
        })
        .map(|t| t.record.email.fingerprint())
        .collect();
    ctx.store.checks().forget_contact_hints(&stale).await?;
    let adopted: Vec<(String, ContactId)> = candidates
        .iter()
        .filter_map(|c| {
            let email = Email::parse(profiles.get(c)?.email.as_deref()?).ok()?;
            Some((email.fingerprint(), *c))
        })
        .collect();
    // Every contact read is settled, a candidate or not.
    let readable: Vec<ContactId> = profiles.keys().copied().collect();
    ctx.store
        .checks()
        .adopt_created(&readable, &adopted, super::plan::CONTACT_HINT_TTL)
        .await
}
