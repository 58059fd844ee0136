//! The Forms retry's decisions, apart from its I/O: what a claimed signup
//! comes to, how far apart retries are spaced, and the outcomes counted.

use std::time::Duration;

use crate::store::Quota;

/// What became of one claimed signup (the `outcome` of `signups_retried_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retried {
    /// The Forms API took it.
    Submitted,
    /// HubSpot failed or limited it: retried after its backoff.
    Rescheduled,
    /// The shared quota was used up after all: put back, record untouched.
    Deferred,
    /// HubSpot rejected the data: a dead letter.
    Rejected,
    /// Past the retry horizon, or its record was gone: a dead letter.
    DeadLettered,
    /// No longer waiting for its Forms call (submitted or ended elsewhere).
    Superseded,
}

impl Retried {
    /// Every outcome, as the metric's label set.
    pub const LABELS: [&'static str; 6] = [
        "submitted",
        "rescheduled",
        "deferred",
        "rejected",
        "dead_lettered",
        "superseded",
    ];

    /// The metric label.
    pub fn label(self) -> &'static str {
        let index = match self {
            Self::Submitted => 0,
            Self::Rescheduled => 1,
            Self::Deferred => 2,
            Self::Rejected => 3,
            Self::DeadLettered => 4,
            Self::Superseded => 5,
        };
        Self::LABELS[index]
    }

    /// Whether the signup leaves the retry queue (else it is due again later).
    pub fn leaves_the_queue(self) -> bool {
        !matches!(self, Self::Rescheduled | Self::Deferred)
    }
}

/// What became of the signups one step claimed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryReport {
    /// The Forms API took them.
    pub submitted: usize,
    /// HubSpot failed or limited them: retried after their backoff.
    pub rescheduled: usize,
    /// The shared quota was used up after all: put back, record untouched.
    pub deferred: usize,
    /// Rejected, past the retry horizon, or their record was gone: dead letters.
    pub dead_lettered: usize,
    /// No longer waiting for their Forms call (submitted or ended elsewhere).
    pub superseded: usize,
}

impl RetryReport {
    /// Counts one claimed signup's outcome.
    pub fn count(&mut self, retried: Retried) {
        match retried {
            Retried::Submitted => self.submitted += 1,
            Retried::Rescheduled => self.rescheduled += 1,
            Retried::Deferred => self.deferred += 1,
            Retried::Rejected | Retried::DeadLettered => self.dead_lettered += 1,
            Retried::Superseded => self.superseded += 1,
        }
    }
}

/// What a submission that cannot go through now comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Later {
    /// Past the retry horizon: a dead letter.
    GiveUp,
    /// Nothing reached HubSpot (the shared quota was used up): due again
    /// after this long, with its record as it was and no wake-up.
    Defer(Duration),
    /// HubSpot failed or limited it: one more attempt counted, due again
    /// after this long.
    Retry(Duration),
}

/// Decides what becomes of a claimed signup whose attempt answered "later":
/// `age` since its submission, `local` when only the shared quota stopped it,
/// `wait` the attempt's own wait, `position` its place among the step's
/// claims, `spacing` one permit's share of the quota's window (so signups put
/// back together come due one permit apart, not all at once).
pub fn plan_later(
    age: Duration,
    horizon: Duration,
    local: bool,
    wait: Duration,
    position: u32,
    spacing: Duration,
) -> Later {
    if age > horizon {
        Later::GiveUp
    } else if local {
        Later::Defer(wait + spacing.saturating_mul(position))
    } else {
        Later::Retry(wait)
    }
}

/// One permit's share of a quota's window: how far apart retries are spaced,
/// and how long a step waits for a permit when none is free.
pub fn permit_spacing(quota: Quota) -> Duration {
    (quota.window / quota.max.max(1)).max(Duration::from_millis(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);
    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_later_answer_is_deferred_retried_or_given_up() {
        let horizon = 100 * S;
        let spacing = 200 * MS;
        // (age, local, wait, position) -> plan
        let table = [
            ((10 * S, true, 50 * MS, 0), Later::Defer(50 * MS)),
            ((10 * S, true, 50 * MS, 3), Later::Defer(650 * MS)),
            ((10 * S, false, 2 * S, 3), Later::Retry(2 * S)),
            ((101 * S, true, 50 * MS, 0), Later::GiveUp),
            ((101 * S, false, 2 * S, 0), Later::GiveUp),
            ((100 * S, false, 2 * S, 0), Later::Retry(2 * S)),
        ];
        for ((age, local, wait, position), plan) in table {
            assert_eq!(
                plan_later(age, horizon, local, wait, position, spacing),
                plan,
                "age {age:?}, local {local}, position {position}"
            );
        }
    }

    #[test]
    fn each_outcome_has_its_own_label() {
        let all = [
            Retried::Submitted,
            Retried::Rescheduled,
            Retried::Deferred,
            Retried::Rejected,
            Retried::DeadLettered,
            Retried::Superseded,
        ];
        let labels: Vec<&str> = all.iter().map(|r| r.label()).collect();
        assert_eq!(labels, Retried::LABELS);
        let staying: Vec<Retried> = all.into_iter().filter(|r| !r.leaves_the_queue()).collect();
        assert_eq!(staying, [Retried::Rescheduled, Retried::Deferred]);
    }

    #[test]
    fn retries_are_spaced_one_permit_apart() {
        let quota = |raw| Quota::parse(raw).expect("quota");
        assert_eq!(permit_spacing(quota("50/10s")), 200 * MS);
        assert_eq!(permit_spacing(quota("1000/10ms")), MS);
    }
}
