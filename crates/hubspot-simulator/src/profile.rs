//! Named profiles: whole ways for HubSpot to behave, applied on top of a
//! configuration. `unkind` is HubSpot as documented rather than as
//! convenient: transient answers anywhere, no `email` event at creation, the
//! Free account's quota.

use std::str::FromStr;

use super::config::{RateLimit, SimConfig, WebhookConfig};
use super::faults::{Endpoint, FaultRule};

/// Share of requests answered 429 in the unkind profile (half of them
/// without `Retry-After`).
pub const UNKIND_RATE_LIMITED: f64 = 0.05;
/// Share of requests answered 503 in the unkind profile.
pub const UNKIND_UNAVAILABLE: f64 = 0.05;
/// `Retry-After` of the unkind profile's 429s that carry one, in seconds.
pub const UNKIND_RETRY_AFTER_S: u64 = 1;

/// A named way for the simulated HubSpot to behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// The configuration as given (by default a realistic, well-behaved account).
    #[default]
    Friendly,
    /// The simulator's default delays; 5 % of requests to every endpoint
    /// answered 429 (half without `Retry-After`) and 5 % answered 503; a
    /// form's new contact announced by `contact.creation` alone; the Free
    /// account's API quota (100 per 10 s, 250,000 a day).
    Unkind,
}

impl Profile {
    /// The profile's name, as `--profile` and `--stress` take it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Friendly => "friendly",
            Self::Unkind => "unkind",
        }
    }

    /// Applies the profile to `config`; the friendly profile changes nothing.
    /// The seed, time scale, addresses, credentials and forms are kept.
    pub fn apply(self, config: &mut SimConfig) {
        if self == Self::Friendly {
            return;
        }
        let defaults = SimConfig::default();
        let hooks = WebhookConfig::default();
        config.processing_delay = defaults.processing_delay;
        config.visibility_lag = defaults.visibility_lag;
        config.send_delay = defaults.send_delay;
        config.webhooks.dispatch_delay = hooks.dispatch_delay;
        config.webhooks.property_events_at_creation = false;
        config.rate_limits.api = Some(RateLimit {
            max: 100,
            interval_ms: 10_000,
            daily: 250_000,
        });
        config.faults.extend(unkind_faults());
    }
}

/// Rules that answer, on every endpoint, 2.5 % 429 without `Retry-After`,
/// 2.5 % 429 with it and 5 % 503. The rules are tried in order, each with
/// the probability that makes its share of all requests exact.
pub fn unkind_faults() -> Vec<FaultRule> {
    let half = UNKIND_RATE_LIMITED / 2.0;
    let plain = FaultRule::rate_limited(Endpoint::All, 1).with_probability(half);
    let with_retry_after =
        FaultRule::rate_limited_retry_after(Endpoint::All, UNKIND_RETRY_AFTER_S, 1)
            .with_probability(half / (1.0 - half));
    let unavailable = FaultRule::server_errors(Endpoint::All, 503, 1)
        .with_probability(UNKIND_UNAVAILABLE / (1.0 - UNKIND_RATE_LIMITED));
    vec![plain, with_retry_after, unavailable]
}

/// An unknown profile name.
#[derive(Debug, thiserror::Error)]
#[error("unknown profile {0:?} (expected friendly or unkind)")]
pub struct UnknownProfile(String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "friendly" => Ok(Self::Friendly),
            "unkind" => Ok(Self::Unkind),
            _ => Err(UnknownProfile(name.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{FaultKind, pick};

    #[test]
    fn unkind_faults_answer_their_shares_of_requests() {
        let mut rules = unkind_faults();
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(3);
        let (mut plain, mut with_retry_after, mut unavailable) = (0, 0, 0);
        let total = 200_000;
        for _ in 0..total {
            match pick(&mut rules, Endpoint::CrmBatchRead, 0, || {
                rand::RngExt::random::<f64>(&mut rng)
            }) {
                Some(FaultKind::RateLimited) => plain += 1,
                Some(FaultKind::RateLimitedRetryAfter { .. }) => with_retry_after += 1,
                Some(FaultKind::ServerError { status: 503 }) => unavailable += 1,
                _ => {}
            }
        }
        let share = |n: i32| f64::from(n) / f64::from(total);
        assert!((share(plain) - 0.025).abs() < 0.002, "{plain}");
        assert!(
            (share(with_retry_after) - 0.025).abs() < 0.002,
            "{with_retry_after}"
        );
        assert!((share(unavailable) - 0.05).abs() < 0.003, "{unavailable}");
    }

    #[test]
    fn profiles_parse_by_name() {
        assert_eq!("unkind".parse::<Profile>().ok(), Some(Profile::Unkind));
        assert_eq!(" Friendly".parse::<Profile>().ok(), Some(Profile::Friendly));
        assert!("harsh".parse::<Profile>().is_err());
    }
}
