//! `--chaos`: bursts of 429, 5xx and slow responses, dropped onto the Forms,
//! CRM, contact profile and Single Send APIs at a steady, seeded pace, so
//! both flows meet the same storm.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio_util::sync::CancellationToken;

use super::options::DemoOptions;
use super::signups::arrival;
use hubspot_simulator::{Endpoint, FaultRule, SimulatorHandle};

/// Nominal gap between two bursts (HubSpot time).
const BURST_GAP: Duration = Duration::from_secs(2);
/// How long the storm outlasts the last signup (HubSpot time): long enough to
/// cover form processing and the emails; then HubSpot is healthy again.
const AFTERMATH: Duration = Duration::from_secs(20);
/// Nominal delay of a slow response (HubSpot time).
const SLOW_MS: u64 = 4_000;
/// The endpoints a burst can hit.
const TARGETS: [Endpoint; 4] = [
    Endpoint::FormsSubmit,
    Endpoint::CrmContact,
    Endpoint::LegacyProfile,
    Endpoint::SingleSend,
];

/// The next burst drawn from `rng`: an endpoint, a fault and a length.
pub fn burst(rng: &mut StdRng) -> FaultRule {
    let endpoint = TARGETS[rng.random_range(0..TARGETS.len())];
    let count = rng.random_range(2..=6u32);
    match rng.random_range(0..5u8) {
        0 | 1 => FaultRule::rate_limited(endpoint, count),
        2 => FaultRule::server_errors(endpoint, 500, count),
        3 => FaultRule::server_errors(endpoint, 503, count),
        _ => FaultRule::slow(endpoint, SLOW_MS, count),
    }
}

/// Adds a burst every [`BURST_GAP`] (scaled) while signups arrive and for
/// [`AFTERMATH`] after the last one (or until `stop` is cancelled), then
/// clears what is left of its bursts (a profile's own faults stay); does
/// nothing without `--chaos`.
pub async fn storm(sim: &SimulatorHandle, options: &DemoOptions, stop: CancellationToken) {
    if !options.chaos {
        return;
    }
    let profile_faults = sim.faults();
    let mut rng = StdRng::seed_from_u64(options.seed ^ 0xC4A0_5C4A_05C4_A05C);
    let gap = options.scaled(BURST_GAP);
    let end =
        tokio::time::Instant::now() + arrival(options, options.signups) + options.scaled(AFTERMATH);
    while tokio::time::Instant::now() < end {
        sim.add_fault(burst(&mut rng));
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(gap) => {}
        }
    }
    // Bursts that found no request to hit end with the storm.
    sim.set_faults(profile_faults);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_storm() {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..20).map(|_| burst(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        let storm = draw(1);
        assert!(
            storm
                .iter()
                .all(|rule| rule.remaining.is_some_and(|n| n >= 2))
        );
    }
}
