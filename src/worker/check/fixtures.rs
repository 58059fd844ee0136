//! What the plan's and the schedules' scenario tables share: one moment,
//! the settings they read, a record of a given age and a contact.

use std::time::Duration;

use super::schedule::PlanSettings;
use crate::domain::{ContactId, Email, SignupRecord, SignupStatus};

/// The tables' "now": on a tick of 3 s (and of 1 s, 750 ms, 250 ms).
pub const NOW: u64 = 1_800_000_000_000;

/// The shipped defaults the tables assume, lookups every 3 s.
pub fn p() -> PlanSettings {
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

/// A record in `status` that has waited `waited` at [`NOW`], checked `checks` times.
pub fn record(status: SignupStatus, waited: Duration, checks: u32) -> SignupRecord {
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

/// Contact `n`.
pub fn contact(n: u64) -> ContactId {
    ContactId::new(n).expect("id")
}
