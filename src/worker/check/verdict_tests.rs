//! The verdict after the confirming calls, one row per behaviour.

use super::*;
use crate::worker::check::fixtures::{NOW, contact, p, record};
use crate::worker::check::schedule::{CANDIDATE_PACE, until_next_tick};

/// How a record is looked for: by id once its contact is known.
fn how_of(record: &SignupRecord) -> How {
    record.contact_id.map_or(How::Email, How::Id)
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
            verdict(record, seen, how_of(record), pending, NOW, &s),
            expected,
            "{behaviour}"
        );
    }
}
