//! Which registered partition counts consumers must still honour: a pure
//! decision over the registry (`{events}:partitions`), apart from its I/O.
//!
//! A count is live while a process registered it within [`LIVENESS`]: a
//! process renews its registration every minute while it records events, and
//! always before it records after a pause. Consumers visit every partition
//! below the highest live count (their own included). A higher count that no
//! live process registers is stale: its extra partitions are visited only
//! while they hold entries, and once they are all empty the count is dropped
//! from the registry.

use std::time::{Duration, Instant};

/// How long a registration keeps its count live: ten registration periods,
/// far beyond any clock skew between processes.
pub const LIVENESS: Duration = Duration::from_secs(10 * 60);

/// What a process last learned of the registered counts.
#[derive(Debug, Default)]
pub(in crate::store) struct PartitionRegistry {
    pub(super) registered_at: Option<Instant>,
    /// Each registered count, with when it was last registered (ms).
    pub(super) counts: Vec<(u16, u64)>,
}

/// The registry, read against this process's own count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountsPlan {
    /// Partitions always visited: this process's count, or the highest live one.
    pub floor: u16,
    /// Stale counts above `floor`, with the registration each was read with
    /// (ascending): their extra partitions are visited while they hold entries.
    pub stale_above: Vec<(u16, u64)>,
}

impl CountsPlan {
    /// Reads `registered` (count, last registration ms) at `now` (ms).
    pub fn of(own: u16, registered: &[(u16, u64)], now: u64, liveness: Duration) -> Self {
        let liveness = u64::try_from(liveness.as_millis()).unwrap_or(u64::MAX);
        let live = |at: u64| at.saturating_add(liveness) >= now;
        let floor = registered
            .iter()
            .filter(|(_, at)| live(*at))
            .map(|(count, _)| *count)
            .fold(own.max(1), u16::max);
        let mut stale_above: Vec<(u16, u64)> = registered
            .iter()
            .filter(|(count, at)| *count > floor && !live(*at))
            .copied()
            .collect();
        stale_above.sort_unstable();
        Self { floor, stale_above }
    }

    /// The highest stale count above the floor, if any.
    pub fn highest_stale(&self) -> Option<u16> {
        self.stale_above.last().map(|(count, _)| *count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 10_000_000;
    const FRESH: u64 = NOW - 1_000;
    const OLD: u64 = NOW - 3_600_000;

    #[test]
    fn live_counts_raise_the_floor_and_stale_ones_above_it_are_candidates() {
        type Case = (
            &'static str,
            u16,
            &'static [(u16, u64)],
            u16,
            &'static [(u16, u64)],
        );
        let cases: &[Case] = &[
            ("nothing registered", 8, &[], 8, &[]),
            ("only its own count", 8, &[(8, FRESH)], 8, &[]),
            (
                "a live higher count",
                8,
                &[(8, FRESH), (1024, FRESH)],
                1024,
                &[],
            ),
            (
                "a stale higher count",
                8,
                &[(8, FRESH), (1024, OLD)],
                8,
                &[(1024, OLD)],
            ),
            ("a stale lower count adds nothing", 8, &[(4, OLD)], 8, &[]),
            (
                "stale counts below a live one add nothing",
                8,
                &[(16, FRESH), (12, OLD), (64, OLD), (32, OLD)],
                16,
                &[(32, OLD), (64, OLD)],
            ),
            (
                "its own count, stale in the registry",
                8,
                &[(8, OLD)],
                8,
                &[],
            ),
            ("a zero count is one partition", 0, &[], 1, &[]),
        ];
        for (name, own, registered, floor, stale) in cases {
            let plan = CountsPlan::of(*own, registered, NOW, LIVENESS);
            assert_eq!(plan.floor, *floor, "{name}");
            assert_eq!(plan.stale_above, *stale, "{name}");
            assert_eq!(
                plan.highest_stale(),
                stale.last().map(|(c, _)| *c),
                "{name}"
            );
        }
    }

    #[test]
    fn a_registration_exactly_at_the_liveness_edge_is_still_live() {
        let edge = NOW - LIVENESS.as_millis() as u64;
        let plan = CountsPlan::of(8, &[(1024, edge)], NOW, LIVENESS);
        assert_eq!(plan.floor, 1024);
        let plan = CountsPlan::of(8, &[(1024, edge - 1)], NOW, LIVENESS);
        assert_eq!(plan.floor, 8);
    }
}
