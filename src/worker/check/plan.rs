//! The check's decisions, apart from any I/O: from a snapshot of the queue,
//! the quota, the launch and the claimed records (and later the answers of
//! HubSpot's calls) to what each signup does next. The stages carry these
//! decisions out; the table of scenarios in `plan_tests.rs` holds them.

use std::time::Duration;

use super::reason::Reason;
use super::schedule::{CANDIDATE_PACE, PlanSettings, YOUNG, recheck, until_next_tick};
use crate::domain::{ContactId, SignupRecord, SignupStatus};
use crate::store::DueBacklog;

/// How long a contact named for an address (by an event, or by a creation
/// event's profile) is remembered for the address's signups.
pub const CONTACT_HINT_TTL: Duration = Duration::from_secs(120);

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
/// lookup tick, through creation events, by address when never looked up)
/// or, when none of those can tell anything new, a wait for the next lookup
/// tick without a call.
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
    if record.looked_up_at.is_none() {
        // Nothing named a contact yet, and it was never looked up.
        return Triage::Confirm(How::Email);
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

/// The decision for a confirmed (or not yet) signup at `now` (ms), looked
/// for as `how` said.
pub fn verdict(
    record: &SignupRecord,
    seen: Seen,
    how: How,
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
    let unnamed = seen == Seen::NotReadable && !matches!(how, How::Id(_));
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

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod verdict_tests;
