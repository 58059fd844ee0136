//! The plan, one row per behaviour: what a check decides from what it knows.

use super::*;
use crate::worker::check::fixtures::{NOW, contact, p, record};

/// Half-way through a lookup tick (NOW is on a tick of 3 s).
const TRIAGE_NOW: u64 = NOW + 1_500;

/// The record with its address looked up in the tick of [`TRIAGE_NOW`].
fn looked_up(mut record: SignupRecord) -> SignupRecord {
    record.looked_up_at = Some(NOW + 100);
    record
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
            "nothing named it and it was never looked up: looked up by address",
            record(SignupStatus::Submitted, Duration::ZERO, 0),
            unnamed,
            s,
            Triage::Confirm(How::Email),
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
