//! One check step: a snapshot, the plan's decisions, and the stages that
//! carry them out. Claim a batch of due signups, sort them (the plan's
//! triage), confirm them together (the confirm stage: one or two calls for
//! the whole batch), send the ready ones (the send stage), and write every
//! outcome under the claim's fencing token (the write stage).

mod confirm;
mod health;
mod launch;
mod plan;
mod read;
mod reason;
mod report;
mod send;
mod write;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;

use self::confirm::{Answer, ToConfirm};
use self::plan::{Decision, Facts, PlanSettings, Snapshot, Start, Triage};
use super::WorkerContext;
use super::telemetry as worker_metrics;
use crate::clock::now_ms;
use crate::config::FormConfirmation;
use crate::domain::{ContactId, SignupRecord};
use crate::hubspot::MAX_BATCH_INPUTS;
use crate::store::{Limiter, StoreError};

pub use health::CallHealth;
pub use launch::{LAUNCH_STATUS_INTERVAL, LAUNCH_STATUS_LIMIT};
pub use plan::CANDIDATE_PACE;
pub use reason::Reason;
pub use report::{BatchReport, CheckOutcome};

/// How long a contact named for an address (by an event, or by a creation
/// event's profile) is remembered for the address's signups.
const CONTACT_HINT_TTL: Duration = Duration::from_secs(120);

/// Runs signup checks from the due queue.
#[derive(Clone)]
pub struct SignupChecker {
    ctx: Arc<WorkerContext>,
}

impl SignupChecker {
    /// A checker sharing the process's worker context.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self { ctx }
    }

    /// Claims up to `CHECK_BATCH_SIZE` due signups and checks them together.
    pub async fn process_next(&self) -> Result<CheckOutcome, StoreError> {
        let ctx = &*self.ctx;
        let began = std::time::Instant::now();
        let p = PlanSettings::from(&ctx.settings);
        let snapshot = snapshot(ctx).await?;
        let economize = match plan::start(&snapshot, &p) {
            Start::Idle(next_due) => return Ok(CheckOutcome::Idle { next_due }),
            Start::Pause(wait) | Start::Linger(wait) => {
                return Ok(CheckOutcome::Idle {
                    next_due: Some(wait),
                });
            }
            Start::Claim { economize } => economize,
        };
        let token = format!("{}:{}", ctx.name, uuid::Uuid::new_v4().simple());
        let ids = ctx
            .store
            .checks()
            .claim(p.batch_size, ctx.settings.check_lease, &token)
            .await?;
        if ids.is_empty() {
            let next_due = ctx.store.checks().next_due_in().await?;
            return Ok(CheckOutcome::Idle { next_due });
        }
        worker_metrics::batch_claimed(ids.len());
        let records = ctx.store.signups().load_many(&ids).await?;
        let mut report = BatchReport {
            claimed: ids.len(),
            ..BatchReport::default()
        };
        let mut present = Vec::new();
        for (id, record) in ids.iter().zip(records) {
            match record {
                Some(record) => present.push(record),
                None => {
                    let vanished = Decision::DeadLetter {
                        reason: Reason::RecordVanished,
                        detail: "signup record expired or unreadable".to_owned(),
                        correlation_id: None,
                    };
                    write::write(ctx, id, None, vanished, &token, &mut report).await?;
                }
            }
        }
        let decided = check(ctx, present, snapshot.launch, &p).await?;
        for (record, decision) in decided {
            let id = record.signup_id.clone();
            write::write(ctx, &id, Some(record), decision, &token, &mut report).await?;
        }
        tracing::debug!(
            claimed = report.claimed,
            sent = report.sent.len(),
            waiting = report.waiting.len(),
            deferred = report.deferred.len(),
            dead_lettered = report.dead_lettered.len(),
            economize,
            elapsed_ms = began.elapsed().as_millis(),
            "signup batch checked"
        );
        Ok(CheckOutcome::Batch(report))
    }
}

/// What the step knows before it claims; Redis time throughout.
async fn snapshot(ctx: &WorkerContext) -> Result<Snapshot, StoreError> {
    let store = &ctx.store;
    let backlog = store
        .checks()
        .due_backlog(ctx.settings.check_batch_size)
        .await?;
    if backlog.due_now == 0 {
        // Nothing due: the rest does not matter.
        return Ok(Snapshot {
            backlog,
            free_permits: ctx.settings.api_quota.max,
            launch: false,
            paused: None,
        });
    }
    let quota = ctx.settings.api_quota;
    Ok(Snapshot {
        backlog,
        free_permits: store
            .rate_limits()
            .permits_free(Limiter::Api, quota)
            .await?,
        launch: launch::under_way(ctx).await?,
        paused: ctx.health.paused_for(),
    })
}

/// Triage, confirm and send: each claimed record with its decision.
async fn check(
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
    let mut ready = Vec::new();
    match confirm::confirm(ctx, &batch, &candidates).await? {
        Answer::Seen { seen, unread } => {
            ctx.health.succeeded();
            let now = now_ms();
            // Creation events are stamped on the Redis clock; a few
            // milliseconds of skew do not matter against CANDIDATE_FRESH.
            let fresh = crate::clock::millis(plan::CANDIDATE_FRESH);
            let pending = plan::Pending {
                fresh_candidate: created
                    .iter()
                    .any(|(c, at)| unread.contains(c) && now.saturating_sub(*at) <= fresh),
            };
            for (item, seen) in batch.into_iter().zip(seen) {
                let mut record = with_contact(item.record, seen);
                if item.how == plan::How::Email {
                    record.looked_up_at = Some(now);
                }
                match plan::verdict(&record, seen, pending, now, p) {
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
            let (reason, wait) = ctx.health.failed(failure, endpoint, &error);
            if let super::hubspot_call::Failure::RateLimited(_) = failure {
                // Every replica slows down, not only this one.
                let quota = ctx.settings.api_quota;
                ctx.store
                    .rate_limits()
                    .hold(Limiter::Api, quota, wait)
                    .await?;
            }
            decided.extend(
                batch
                    .into_iter()
                    .map(|t| (t.record, Decision::wait(reason, wait))),
            );
        }
    }
    for sent in join_all(ready.into_iter().map(|(r, c)| send::send(ctx, r, c))).await {
        decided.push(sent?);
    }
    Ok(decided)
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
