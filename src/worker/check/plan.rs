//! The check's decisions, apart from any I/O: from a snapshot of the queue,
//! the quota, the launch and the claimed records (and later the answers of
//! HubSpot's calls) to what each signup does next. The stages carry these
//! decisions out; the table of scenarios in `plan_tests.rs` holds them.

use std::time::Duration;

use super::reason::Reason;
use crate::config::{FormConfirmation, WorkerSettings};
use crate::domain::{ContactId, SignupRecord, SignupStatus};
use crate::store::DueBacklog;

/// How long past its visibility lag a signup counts as young: rechecked on
/// the lag itself (on a tick shared by every replica) rather than on a
/// schedule growing with its age.
pub const YOUNG: Duration = Duration::from_secs(30);

/// The pace of re-checks while a contact a creation event named is not
/// readable yet: its read is a moment away (HubSpot's visibility lag is a
/// second or so), and one profile call re-reads every such contact.
pub const CANDIDATE_PACE: Duration = Duration::from_millis(250);
/// How long after its creation event an unreadable contact keeps the
/// re-checks on [`CANDIDATE_PACE`]; later it waits for the lookups by address.
pub const CANDIDATE_FRESH: Duration = Duration::from_secs(5);

/// First retry of a call HubSpot failed (5xx, timeout, connection, or a 429
/// without `Retry-After`); doubles per consecutive failure up to [`FAILING_MAX`].
pub const FAILING_BASE: Duration = Duration::from_millis(500);
/// Longest wait between retries of a failing call.
pub const FAILING_MAX: Duration = Duration::from_secs(30);
/// First probe after HubSpot refused a shared call's credentials or request;
/// doubles per consecutive refusal up to [`PROBE_MAX`].
pub const PROBE_BASE: Duration = Duration::from_secs(5);
/// Longest pause between two probes of refused credentials.
pub const PROBE_MAX: Duration = Duration::from_secs(60);

/// The settings the plan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanSettings {
    pub batch_size: usize,
    pub linger: Duration,
    pub quota_max: u32,
    /// HubSpot's visibility lag (`RETRY_BASE_DELAY`): the young signups' pace.
    pub lag: Duration,
    pub max_delay: Duration,
    pub horizon: Duration,
    pub profile: bool,
    pub send_status_delay: Duration,
    /// The pace of lookups by address of signups no event named
    /// (`FIRST_CHECK_GRACE`, at least the lag): on ticks every replica
    /// shares, so one batch read serves every unnamed signup.
    pub lookup_pace: Duration,
}

impl From<&WorkerSettings> for PlanSettings {
    fn from(s: &WorkerSettings) -> Self {
        Self {
            batch_size: s.check_batch_size,
            linger: s.check_linger,
            quota_max: s.api_quota.max,
            lag: s.retry_base_delay,
            max_delay: s.retry_max_delay,
            horizon: s.contact_wait_horizon,
            profile: s.form_confirmation == FormConfirmation::Profile,
            send_status_delay: s.send_status_delay,
            lookup_pace: s.early_check_interval.max(s.retry_base_delay),
        }
    }
}

/// What the checker knows before it claims (Redis time throughout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub backlog: DueBacklog,
    /// Permits of the API quota free now.
    pub free_permits: u32,
    /// Forms retries are due now or within the Forms limit's window.
    pub launch: bool,
    /// HubSpot refused the credentials: calls pause this long (until the next probe).
    pub paused: Option<Duration>,
}

/// What a check step starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Nothing due; the next signup is due after this long, if any.
    Idle(Option<Duration>),
    /// Calls are paused (credentials refused) until the next probe.
    Pause(Duration),
    /// Wait this long for more signups to share the batch.
    Linger(Duration),
    /// Claim a batch; `economize`: the quota is scarce or a launch is under way.
    Claim { economize: bool },
}

/// Whether checks economize: more than half of the quota in use, or a launch.
pub fn economize(snapshot: &Snapshot, p: &PlanSettings) -> bool {
    snapshot.launch || u64::from(snapshot.free_permits) * 2 < u64::from(p.quota_max)
}

/// The first decision of a step: idle, pause, linger or claim. While checks
/// economize, due signups wait up to `CHECK_LINGER` for a full batch (a batch
/// costs the same calls for 1 signup as for 100).
pub fn start(snapshot: &Snapshot, p: &PlanSettings) -> Start {
    let backlog = &snapshot.backlog;
    if backlog.due_now == 0 {
        return Start::Idle(backlog.next_due_in());
    }
    if let Some(pause) = snapshot.paused {
        return Start::Pause(pause);
    }
    let economize = economize(snapshot, p);
    if economize && !p.linger.is_zero() && backlog.due_now < p.batch_size {
        let waited = backlog.waited();
        if waited < p.linger {
            return Start::Linger(p.linger - waited);
        }
    }
    Start::Claim { economize }
}

/// How a submitted signup's contact is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Its contact is known (seen before, or named by an `email` event): its
    /// profile is read by id.
    Id(ContactId),
    /// Among the contacts that creation events named: their profiles (read
    /// by id in the same call) carry the address.
    Creation,
    /// Its address is looked up (a batch read by email).
    Email,
}

/// What the store knows of a claimed signup beside its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// Its contact, when known without a read.
    pub known: Option<ContactId>,
    /// Its contact was deleted.
    pub deleted: bool,
    /// Creation events named contacts not yet matched to an address.
    pub candidates: bool,
}

/// Whether a lookup tick (every `lookup_pace`, on Redis-aligned ticks) passed
/// since the signup's address was last looked up (or since its wait began):
/// every unnamed signup becomes due for a lookup at the same tick.
pub fn lookup_due(record: &SignupRecord, now: u64, p: &PlanSettings) -> bool {
    let pace = crate::clock::millis(p.lookup_pace).max(1);
    let last = record.looked_up_at.unwrap_or(record.waiting_since());
    now / pace > last / pace
}

/// What to do with one claimed signup before any call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    Decided(Decision),
    /// Its send is `PENDING`: read the send status.
    FollowUp,
    Confirm(How),
}

/// What becomes of one signup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Confirmed on this contact: send its email.
    Send(ContactId),
    /// Check again after `after`; `charge`: counts as one of its own checks.
    Wait {
        reason: Reason,
        after: Duration,
        charge: bool,
    },
    /// Sent: final.
    Sent,
    /// Already final: nothing more.
    Finished,
    /// Its Forms call is pending again: leaves the check queue.
    Drop,
    /// Given up, once the outcome is written under the claim; with HubSpot's
    /// correlationId when HubSpot refused the call.
    DeadLetter {
        reason: Reason,
        detail: String,
        correlation_id: Option<String>,
    },
}

impl Decision {
    /// A wait that does not count against the signup's own checks.
    pub fn wait(reason: Reason, after: Duration) -> Self {
        Self::Wait {
            reason,
            after,
            charge: false,
        }
    }
}

/// Sorts a claimed signup: finished, pending in the Forms queue, a send to
/// follow up, a deleted contact, or a confirmation (by id, by address on a
/// lookup tick, through creation events) or, when none of those can tell
/// anything new, a wait for the next lookup tick without a call.
pub fn triage(record: &SignupRecord, facts: Facts, now: u64, p: &PlanSettings) -> Triage {
    match record.status {
        status if status.is_final() => return Triage::Decided(Decision::Finished),
        status if status.awaits_forms() => return Triage::Decided(Decision::Drop),
        SignupStatus::SendPending => return Triage::FollowUp,
        _ => {}
    }
    if facts.deleted {
        return Triage::Decided(Decision::DeadLetter {
            reason: Reason::ContactDeleted,
            detail: "contact deleted".to_owned(),
            correlation_id: None,
        });
    }
    if !p.profile {
        return Triage::Confirm(How::Email);
    }
    if let Some(contact) = facts.known {
        return Triage::Confirm(How::Id(contact));
    }
    if lookup_due(record, now, p) {
        return Triage::Confirm(How::Email);
    }
    if facts.candidates {
        return Triage::Confirm(How::Creation);
    }
    Triage::Decided(Decision::wait(
        Reason::ContactNotReadable,
        until_next_tick(p.lookup_pace, now),
    ))
}

/// Where one signup stands after the confirming calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The contact is readable with this signup's own submission on it.
    Landed(ContactId),
    /// The contact is readable; this signup's submission is not on it yet.
    NotLanded(ContactId),
    /// The contact it was known by carries another address now.
    Moved,
    /// No contact readable for it yet.
    NotReadable,
    /// HubSpot's answer said nothing usable about this input.
    Unreadable,
}

/// What the confirming calls left pending for the whole batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pending {
    /// A contact a creation event named within [`CANDIDATE_FRESH`] was not
    /// readable yet: it will be in a moment.
    pub fresh_candidate: bool,
}

/// The decision for a confirmed (or not yet) signup at `now` (ms).
pub fn verdict(
    record: &SignupRecord,
    seen: Seen,
    pending: Pending,
    now: u64,
    p: &PlanSettings,
) -> Decision {
    let waited = record.waited_at(now);
    let (reason, factor) = match seen {
        Seen::Landed(contact) => return Decision::Send(contact),
        Seen::NotLanded(_) => (Reason::FormNotLanded, 4),
        Seen::Moved => (Reason::ContactNotReadable, 8),
        Seen::NotReadable => (Reason::ContactNotReadable, 8),
        Seen::Unreadable => (Reason::AnswerUnreadable, 8),
    };
    let unnamed = seen == Seen::NotReadable && record.contact_id.is_none();
    if waited > p.horizon {
        return Decision::DeadLetter {
            reason: Reason::WaitHorizon,
            detail: format!("{reason} after {}s", waited.as_secs()),
            correlation_id: None,
        };
    }
    let after = match (unnamed && waited < YOUNG, pending.fresh_candidate) {
        // A contact is about to be readable: it may be this signup's.
        (true, true) => until_next_tick(CANDIDATE_PACE, now),
        // Nothing named it yet: the next creation event wakes it, and the
        // next lookup tick looks its address up.
        (true, false) => until_next_tick(p.lookup_pace, now),
        _ => recheck(waited, factor, now, p),
    };
    Decision::Wait {
        reason,
        after,
        charge: true,
    }
}

/// When a signup not ready is checked again: on HubSpot's visibility lag
/// while young (on a tick every replica shares, so the young signups of all
/// share one batch), then after a share (1/`factor`) of its age, up to
/// `RETRY_MAX_DELAY`.
pub fn recheck(waited: Duration, factor: u32, now: u64, p: &PlanSettings) -> Duration {
    if waited < YOUNG {
        return until_next_tick(p.lag, now);
    }
    (waited / factor.max(1)).clamp(p.lag, p.max_delay.max(p.lag))
}

/// The time from `now` (ms) to the next multiple of `tick` (at least 1 ms).
pub fn until_next_tick(tick: Duration, now: u64) -> Duration {
    let tick = crate::clock::millis(tick).max(1);
    Duration::from_millis(tick - now % tick)
}

/// The wait before retrying a call HubSpot failed `streak` times in a row.
pub fn failing_delay(streak: u32) -> Duration {
    doubling(FAILING_BASE, FAILING_MAX, streak)
}

/// The pause before probing credentials refused `streak` times in a row.
pub fn probe_delay(streak: u32) -> Duration {
    doubling(PROBE_BASE, PROBE_MAX, streak)
}

fn doubling(base: Duration, max: Duration, streak: u32) -> Duration {
    let exponent = streak.saturating_sub(1).min(16);
    base.saturating_mul(1u32 << exponent).min(max)
}

/// The wait before the next status read of a `PENDING` send.
pub fn status_read_delay(reads: u32, p: &PlanSettings) -> Duration {
    let base = p.send_status_delay;
    doubling(base, p.max_delay.max(base), reads.saturating_add(1))
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod schedule_tests;
