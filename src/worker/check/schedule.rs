//! When things are tried again, one schedule per cause: a signup not ready
//! yet (on the visibility lag while young, on the lookup ticks while nothing
//! named its contact), a call HubSpot failed, refused credentials, a
//! `PENDING` send's status; and the settings those schedules read.

use std::time::Duration;

use crate::config::{FormConfirmation, WorkerSettings};

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
            lookup_pace: s.early_check_interval,
        }
    }
}

impl PlanSettings {
    /// The settings while checks economize (the quota scarce, or a launch):
    /// lookups by address, the fallback for events that never come, run on
    /// every other tick.
    pub fn economized(self) -> Self {
        Self {
            lookup_pace: self.lookup_pace.saturating_mul(2),
            ..self
        }
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
#[path = "schedule_tests.rs"]
mod tests;
