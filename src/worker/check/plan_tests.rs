//! The plan, one row per behaviour: what a check decides from what it knows.

use super::*;
use crate::domain::Email;

const NOW: u64 = 1_800_000_000_000;

fn p() -> PlanSettings {
    PlanSettings {
        batch_size: 100,
        linger: Duration::from_secs(2),
        quota_max: 100,
        lag: Duration::from_secs(1),
        max_delay: Duration::from_secs(300),
        horizon: Duration::from_secs(86_400),
        profile: true,
        send_status_delay: Duration::from_secs(5),
        lookup_pace: Duration::from_secs(3),
    }
}

fn record(status: SignupStatus, waited: Duration, checks: u32) -> SignupRecord {
    let mut record = SignupRecord::new(
        Email::parse("pat@example.com").expect("email"),
        Default::default(),
        Default::default(),
        Default::default(),
        NOW - crate::clock::millis(waited),
    );
    record.status = status;
    record.checks = checks;
    record
}

/// Half-way through a lookup tick (NOW is on a tick of 3 s).
const TRIAGE_NOW: u64 = NOW + 1_500;

/// The record with its address looked up in the tick of [`TRIAGE_NOW`].
fn looked_up(mut record: SignupRecord) -> SignupRecord {
    record.looked_up_at = Some(NOW + 100);
    record
}

fn contact(n: u64) -> ContactId {
    ContactId::new(n).expect("id")
}

fn snapshot(due_now: usize, waited_ms: u64, free: u32, launch: bool) -> Snapshot {
    Snapshot {
        backlog: DueBacklog {
            due_now,
            earliest: Some(NOW - waited_ms),
            now: NOW,
        },
        free_permits: free,
        launch,
        paused: None,
    }
}

#[test]
fn the_start_of_a_step() {
    let s = p();
    let idle = Snapshot {
        backlog: DueBacklog {
            due_now: 0,
            earliest: Some(NOW + 700),
            now: NOW,
        },
        ..snapshot(0, 0, 100, false)
    };
    let paused = Snapshot {
        paused: Some(Duration::from_secs(5)),
        ..snapshot(3, 0, 100, false)
    };
    let rows: [(&str, Snapshot, Start); 7] = [
        (
            "nothing due: idle until the next",
            idle,
            Start::Idle(Some(Duration::from_millis(700))),
        ),
        (
            "quota plentiful, no launch: claim at once",
            snapshot(1, 0, 100, false),
            Start::Claim { economize: false },
        ),
        (
            "quota scarce: a small batch lingers",
            snapshot(1, 500, 40, false),
            Start::Linger(Duration::from_millis(1500)),
        ),
        (
            "launch: a small batch lingers",
            snapshot(1, 0, 100, true),
            Start::Linger(Duration::from_secs(2)),
        ),
        (
            "launch: a full batch goes",
            snapshot(100, 0, 100, true),
            Start::Claim { economize: true },
        ),
        (
            "launch: lingered long enough",
            snapshot(1, 2500, 100, true),
            Start::Claim { economize: true },
        ),
        (
            "credentials refused: calls pause until the probe",
            paused,
            Start::Pause(Duration::from_secs(5)),
        ),
    ];
    for (behaviour, snapshot, expected) in rows {
        assert_eq!(start(&snapshot, &s), expected, "{behaviour}");
    }
}

#[test]
fn the_triage_of_a_claimed_signup() {
    let s = p();
    let property = PlanSettings {
        profile: false,
        ..s
    };
    let known = Facts {
        known: Some(contact(7)),
        deleted: false,
        candidates: false,
    };
    let unnamed = Facts {
        known: None,
        deleted: false,
        candidates: false,
    };
    let created = Facts {
        candidates: true,
        ..unnamed
    };
    let deleted = Facts {
        deleted: true,
        ..known
    };
    let young = Duration::from_secs(2);
    let rows: Vec<(&str, SignupRecord, Facts, PlanSettings, Triage)> = vec![
        (
            "sent already: finished",
            record(SignupStatus::Sent, young, 0),
            known,
            s,
            Triage::Decided(Decision::Finished),
        ),
        (
            "Forms call pending again: dropped",
            record(SignupStatus::Queued, young, 0),
            unnamed,
            s,
            Triage::Decided(Decision::Drop),
        ),
        (
            "send pending: followed up",
            record(SignupStatus::SendPending, young, 0),
            known,
            s,
            Triage::FollowUp,
        ),
        (
            "contact deleted: dead letter",
            record(SignupStatus::Submitted, young, 0),
            deleted,
            s,
            Triage::Decided(Decision::DeadLetter {
                reason: Reason::ContactDeleted,
                detail: "contact deleted".to_owned(),
                correlation_id: None,
            }),
        ),
        (
            "contact known: confirmed by id",
            record(SignupStatus::Submitted, young, 0),
            known,
            s,
            Triage::Confirm(How::Id(contact(7))),
        ),
        (
            "named only by creation events, lookup done this tick: confirmed by id in the profile call, no email event needed",
            looked_up(record(SignupStatus::Submitted, young, 0)),
            created,
            s,
            Triage::Confirm(How::Creation),
        ),
        (
            "a lookup tick passed since its wait began: looked up by address, creation events or not",
            record(SignupStatus::Submitted, young, 0),
            created,
            s,
            Triage::Confirm(How::Email),
        ),
        (
            "nothing named it and its lookup is done this tick: waits for the next tick, no call",
            looked_up(record(SignupStatus::Submitted, young, 5)),
            unnamed,
            s,
            Triage::Decided(Decision::wait(
                Reason::ContactNotReadable,
                Duration::from_millis(1_500),
            )),
        ),
        (
            "the lookup tick passes for every unnamed signup at once, however many checks it had",
            record(SignupStatus::Submitted, young, 40),
            unnamed,
            s,
            Triage::Confirm(How::Email),
        ),
        (
            "property strategy: always by address (one call)",
            record(SignupStatus::Submitted, young, 0),
            known,
            property,
            Triage::Confirm(How::Email),
        ),
    ];
    for (behaviour, record, facts, settings, expected) in rows {
        assert_eq!(
            triage(&record, facts, TRIAGE_NOW, &settings),
            expected,
            "{behaviour}"
        );
    }
}

#[test]
fn the_verdict_after_the_confirming_calls() {
    let s = p();
    let young = record(SignupStatus::Submitted, Duration::from_secs(4), 2);
    let old = record(SignupStatus::Submitted, Duration::from_secs(600), 9);
    let expired = record(SignupStatus::Submitted, Duration::from_secs(90_000), 50);
    let lag = until_next_tick(s.lag, NOW);
    let none = Pending::default();
    let fresh = Pending {
        fresh_candidate: true,
    };
    let mut named = young.clone();
    named.contact_id = Some(contact(3));
    let rows: Vec<(&str, &SignupRecord, Seen, Pending, Decision)> = vec![
        (
            "landed: send",
            &young,
            Seen::Landed(contact(3)),
            none,
            Decision::Send(contact(3)),
        ),
        (
            "nothing named it, young: the next lookup tick (or the next creation event), however many checks it had",
            &young,
            Seen::NotReadable,
            none,
            Decision::Wait {
                reason: Reason::ContactNotReadable,
                after: Duration::from_secs(3),
                charge: true,
            },
        ),
        (
            "a contact just created is not readable yet: again in a moment, it may be this one",
            &young,
            Seen::NotReadable,
            fresh,
            Decision::Wait {
                reason: Reason::ContactNotReadable,
                after: CANDIDATE_PACE,
                charge: true,
            },
        ),
        (
            "its known contact not readable, young: again on the visibility lag",
            &named,
            Seen::NotReadable,
            fresh,
            Decision::Wait {
                reason: Reason::ContactNotReadable,
                after: lag,
                charge: true,
            },
        ),
        (
            "form not landed, young: again on the visibility lag",
            &young,
            Seen::NotLanded(contact(3)),
            none,
            Decision::Wait {
                reason: Reason::FormNotLanded,
                after: lag,
                charge: true,
            },
        ),
        (
            "one input HubSpot could not answer: that signup alone asks again",
            &young,
            Seen::Unreadable,
            none,
            Decision::Wait {
                reason: Reason::AnswerUnreadable,
                after: lag,
                charge: true,
            },
        ),
        (
            "not readable after 10 minutes: an eighth of its age",
            &old,
            Seen::NotReadable,
            fresh,
            Decision::Wait {
                reason: Reason::ContactNotReadable,
                after: Duration::from_secs(75),
                charge: true,
            },
        ),
        (
            "form not landed after 10 minutes: a quarter of its age, capped",
            &old,
            Seen::NotLanded(contact(3)),
            none,
            Decision::Wait {
                reason: Reason::FormNotLanded,
                after: Duration::from_secs(150),
                charge: true,
            },
        ),
        (
            "past the wait horizon: dead letter",
            &expired,
            Seen::NotReadable,
            none,
            Decision::DeadLetter {
                reason: Reason::WaitHorizon,
                detail: "contact_not_visible after 90000s".to_owned(),
                correlation_id: None,
            },
        ),
    ];
    for (behaviour, record, seen, pending, expected) in rows {
        assert_eq!(
            verdict(record, seen, pending, NOW, &s),
            expected,
            "{behaviour}"
        );
    }
}
