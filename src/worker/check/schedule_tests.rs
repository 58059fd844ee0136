//! One schedule per cause: when a signup, or a call, is tried again.

use super::*;
use crate::worker::check::fixtures::{NOW, p};

#[test]
fn each_cause_has_its_own_schedule() {
    let s = p();
    // The first minute of a signup never waits tens of seconds for a recheck.
    for waited in [0, 5, 15, 29] {
        let wait = recheck(Duration::from_secs(waited), 8, NOW, &s);
        assert!(wait <= s.lag, "{waited}s: {wait:?}");
    }
    assert!(recheck(Duration::from_secs(59), 8, NOW, &s) < Duration::from_secs(10));
    // A failing call retries promptly, and slower only while it goes on.
    assert_eq!(failing_delay(1), Duration::from_millis(500));
    assert_eq!(failing_delay(3), Duration::from_secs(2));
    assert_eq!(failing_delay(40), FAILING_MAX);
    // Refused credentials are probed every few seconds, at most a minute apart.
    assert_eq!(probe_delay(1), Duration::from_secs(5));
    assert_eq!(probe_delay(10), PROBE_MAX);
    // A PENDING send's status is read SEND_STATUS_DELAY later, then doubling.
    assert_eq!(status_read_delay(0, &s), Duration::from_secs(5));
    assert_eq!(status_read_delay(1, &s), Duration::from_secs(10));
}

#[test]
fn ticks_are_shared_and_never_zero() {
    let tick = Duration::from_millis(750);
    for now in [NOW, NOW + 1, NOW + 749, NOW + 750] {
        let wait = until_next_tick(tick, now);
        assert!(wait > Duration::ZERO && wait <= tick, "{wait:?}");
        assert_eq!((now + crate::clock::millis(wait)) % 750, 0);
    }
}
