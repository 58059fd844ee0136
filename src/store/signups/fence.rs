//! What a fenced signup write compares before it writes (the status its
//! writer read, a deadline on the Redis clock), and what it found.

use std::time::{Duration, Instant};

use crate::clock::millis;
use crate::domain::SignupStatus;

/// What a fenced write requires of the stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    /// The status the stored record must still have (`None`: any; an
    /// operator's replay).
    pub status: Option<SignupStatus>,
    /// The latest moment of the write, ms on the Redis clock (`None`: none).
    pub deadline_ms: Option<u64>,
}

impl Guard {
    /// Only while the stored record is still in `status`.
    pub fn status(status: SignupStatus) -> Self {
        Self {
            status: Some(status),
            deadline_ms: None,
        }
    }

    /// Whatever the stored record's status (an operator's replay).
    pub fn any() -> Self {
        Self {
            status: None,
            deadline_ms: None,
        }
    }
}

/// What a fenced write found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written.
    Stored,
    /// Nothing written: the record was gone.
    Gone,
    /// Nothing written: another writer moved the record on.
    Changed,
    /// Nothing written: the deadline had passed when Redis ran the write.
    TooLate,
}

impl Written {
    pub(in crate::store) fn of(reply: i64) -> Self {
        match reply {
            1 => Self::Stored,
            0 => Self::Gone,
            -2 => Self::TooLate,
            _ => Self::Changed,
        }
    }

    /// Whether the write happened.
    pub fn stored(self) -> bool {
        self == Self::Stored
    }
}

/// When a new signup's record was written, on the Redis clock and on this
/// process's monotonic clock: the intake's acceptance deadline is expressed
/// on the Redis clock from it, with no assumption about the two clocks'
/// agreement.
#[derive(Debug, Clone, Copy)]
pub struct Created {
    /// The Redis clock when the record was written (ms).
    pub redis_ms: u64,
    /// This process's clock when the answer arrived (after the write).
    pub seen_at: Instant,
}

impl Created {
    /// The Redis-clock deadline for a write sent at `now`, whose sender waits
    /// `reply_wait` for its answer and must be done by `accept_by`: half the
    /// wait (the other half is left for the answer's way back), and never past
    /// `accept_by`. `None` when `accept_by` has passed. The record was written
    /// before its answer arrived, so the Redis clock at `seen_at` is at least
    /// `redis_ms`: the deadline is never later than the sender's own.
    pub fn deadline(&self, now: Instant, accept_by: Instant, reply_wait: Duration) -> Option<u64> {
        let left = accept_by.checked_duration_since(now)?;
        if left.is_zero() {
            return None;
        }
        let budget = left.min(reply_wait / 2);
        let since = now.saturating_duration_since(self.seen_at);
        Some(self.redis_ms + millis(since) + millis(budget))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acceptance_deadline_is_never_later_than_its_sender_waits() {
        let seen_at = Instant::now();
        let created = Created {
            redis_ms: 1_000_000,
            seen_at,
        };
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        // (sent after the create's answer, accept_by after it, reply wait, deadline)
        let cases = [
            (ms(0), s(30), s(2), Some(1_001_000)),
            (ms(500), s(30), s(2), Some(1_001_500)),
            (ms(500), ms(700), s(2), Some(1_000_700)),
            (s(10), s(30), ms(500), Some(1_010_250)),
            (s(30), s(30), s(2), None),
            (s(31), s(30), s(2), None),
        ];
        for (sent, by, wait, expected) in cases {
            let deadline = created.deadline(seen_at + sent, seen_at + by, wait);
            assert_eq!(deadline, expected, "{sent:?} {by:?} {wait:?}");
        }
    }

    #[test]
    fn script_replies_read_as_what_the_write_found() {
        let cases = [
            (1, Written::Stored),
            (0, Written::Gone),
            (-1, Written::Changed),
            (-2, Written::TooLate),
        ];
        for (reply, expected) in cases {
            assert_eq!(Written::of(reply), expected, "{reply}");
        }
        assert!(Written::Stored.stored());
        assert!(!Written::TooLate.stored());
    }
}
