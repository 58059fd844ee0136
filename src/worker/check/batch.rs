//! One claimed batch, from triage to decisions: the plan sorts each signup,
//! the confirm stage answers for the whole batch (a failed read by address
//! holds only the signups that needed it), and the send stage sends the
//! confirmed ones.

use futures_util::future::join_all;

use super::confirm::{self, Answer, ToConfirm};
use super::plan::{self, Decision, Facts, How, Triage};
use super::reason::Reason;
use super::schedule::{CANDIDATE_FRESH, PlanSettings};
use super::send;
use crate::clock::now_ms;
use crate::config::FormConfirmation;
use crate::domain::{ContactId, SignupRecord};
use crate::hubspot::{HubSpotError, MAX_BATCH_INPUTS};
use crate::store::{Limiter, StoreError};
use crate::worker::WorkerContext;
use crate::worker::hubspot_call::Failure;

/// Triage, confirm and send: each claimed record with its decision.
pub async fn check(
    ctx: &WorkerContext,
    records: Vec<SignupRecord>,
    launch: bool,
    p: &PlanSettings,
) -> Result<Vec<(SignupRecord, Decision)>, StoreError> {
    let facts = facts(ctx, &records).await?;
    let created = if facts.iter().any(|f| f.candidates) {
        ctx.store
            .checks()
            .created_contacts(MAX_BATCH_INPUTS)
            .await?
    } else {
        Vec::new()
    };
    let candidates: Vec<ContactId> = created.iter().map(|(contact, _)| *contact).collect();
    let now = now_ms();
    let mut decided = Vec::new();
    let mut follow = Vec::new();
    let mut batch = Vec::new();
    for (record, mut fact) in records.into_iter().zip(facts) {
        fact.candidates &= !candidates.is_empty();
        match plan::triage(&record, fact, now, p) {
            Triage::Decided(decision) => decided.push((record, decision)),
            Triage::FollowUp => follow.push(record),
            Triage::Confirm(how) => batch.push(ToConfirm { record, how }),
        }
    }
    for outcome in join_all(follow.into_iter().map(|r| send::follow_up(ctx, r, launch))).await {
        decided.push(outcome?);
    }
    if batch.is_empty() {
        return Ok(decided);
    }
    let mut answer = confirm::confirm(ctx, &batch, &candidates).await?;
    if let Answer::Failed(failure, endpoint @ "crm_batch_read", error) = answer {
        // The read by address failed: it says nothing of the signups
        // confirmed by id, whose profile call still goes ahead; the others
        // are looked for among the created contacts meanwhile, if any.
        let (by_email, mut rest): (Vec<ToConfirm>, Vec<ToConfirm>) =
            batch.into_iter().partition(|t| t.how == How::Email);
        let mut held = Vec::new();
        if candidates.is_empty() || !p.profile {
            held.extend(by_email.into_iter().map(|t| t.record));
        } else {
            rest.extend(by_email.into_iter().map(|t| ToConfirm {
                how: How::Creation,
                ..t
            }));
        }
        decided.extend(failed(ctx, held, failure, endpoint, &error).await?);
        batch = rest;
        if batch.is_empty() {
            return Ok(decided);
        }
        answer = confirm::confirm(ctx, &batch, &candidates).await?;
    }
    let mut ready = Vec::new();
    match answer {
        Answer::Seen { seen, unread } => {
            ctx.health.succeeded();
            let now = now_ms();
            // Creation events are stamped on the Redis clock; a few
            // milliseconds of skew do not matter against CANDIDATE_FRESH.
            let fresh = crate::clock::millis(CANDIDATE_FRESH);
            let pending = plan::Pending {
                fresh_candidate: created
                    .iter()
                    .any(|(c, at)| unread.contains(c) && now.saturating_sub(*at) <= fresh),
            };
            for (item, seen) in batch.into_iter().zip(seen) {
                let mut record = with_contact(item.record, seen);
                if item.how == How::Email {
                    record.looked_up_at = Some(now);
                }
                match plan::verdict(&record, seen, item.how, pending, now, p) {
                    Decision::Send(contact) => ready.push((record, contact)),
                    decision => decided.push((record, decision)),
                }
            }
        }
        Answer::Wait(wait) => {
            let wait = wait.max(ctx.settings.poll_interval);
            decided.extend(
                batch
                    .into_iter()
                    .map(|t| (t.record, Decision::wait(Reason::RateLimited, wait))),
            );
        }
        Answer::Failed(failure, endpoint, error) => {
            let held = batch.into_iter().map(|t| t.record).collect();
            decided.extend(failed(ctx, held, failure, endpoint, &error).await?);
        }
    }
    for sent in join_all(ready.into_iter().map(|(r, c)| send::send(ctx, r, c))).await {
        decided.push(sent?);
    }
    Ok(decided)
}

/// A shared call failed: its signups wait for the call to be retried (a 429
/// holds every replica's calls), with no verdict on any of them.
async fn failed(
    ctx: &WorkerContext,
    records: Vec<SignupRecord>,
    failure: Failure,
    endpoint: &'static str,
    error: &HubSpotError,
) -> Result<Vec<(SignupRecord, Decision)>, StoreError> {
    let (reason, wait) = ctx.health.failed(failure, endpoint, error);
    if let Failure::RateLimited(_) = failure {
        // Every replica slows down, not only this one.
        let quota = ctx.settings.api_quota;
        ctx.store
            .rate_limits()
            .hold(Limiter::Api, quota, wait)
            .await?;
    }
    Ok(records
        .into_iter()
        .map(|r| (r, Decision::wait(reason, wait)))
        .collect())
}

/// What the store knows of each record: its contact (seen before, or named
/// for its address; `property` reads every address anyway), whether that
/// contact was deleted, and whether it may be among creation events' contacts.
async fn facts(ctx: &WorkerContext, records: &[SignupRecord]) -> Result<Vec<Facts>, StoreError> {
    let profile = ctx.settings.form_confirmation == FormConfirmation::Profile;
    let unseen: Vec<String> = records
        .iter()
        .filter(|r| r.contact_id.is_none())
        .map(|r| r.email.fingerprint())
        .collect();
    let mut hints = if profile {
        ctx.store.checks().contact_hints(&unseen).await?.into_iter()
    } else {
        vec![None; unseen.len()].into_iter()
    };
    let known: Vec<Option<ContactId>> = records
        .iter()
        .map(|r| match r.contact_id {
            Some(contact) => Some(contact),
            None => hints.next().flatten(),
        })
        .collect();
    let ids: Vec<ContactId> = known.iter().flatten().copied().collect();
    let deleted = ctx.store.checks().deleted_contacts(&ids).await?;
    Ok(records
        .iter()
        .zip(known)
        .map(|(record, known)| Facts {
            known: if profile { known } else { None },
            deleted: record.contact_id.is_some_and(|c| deleted.contains(&c)),
            candidates: known.is_none(),
        })
        .collect())
}

/// The record with what the confirmation learnt of its contact.
fn with_contact(mut record: SignupRecord, seen: plan::Seen) -> SignupRecord {
    match seen {
        plan::Seen::NotLanded(contact) => record.contact_id = Some(contact),
        plan::Seen::Moved => record.contact_id = None,
        _ => {}
    }
    record
}
