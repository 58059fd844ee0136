//! Single Sends that HubSpot refuses: blocked recipients and throttling, as a
//! configuration knob, so that a client's handling of `sendResult` can be
//! exercised.
//!
//! - A blocked address or domain is answered `PENDING` like any send; its
//!   status then completes with `BLOCKED_ADDRESS` / `BLOCKED_DOMAIN`, no email
//!   goes out and no contact is touched. The sendId is remembered: a repeat
//!   gets `IDEMPOTENT_FAIL`.
//! - A throttled send is answered at once `COMPLETE` with `THROTTLED`; the
//!   sendId is not remembered, so the same send may be tried again.

use serde::{Deserialize, Serialize};

/// Which sends fail, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SendFailures {
    /// Recipients (case-insensitive) whose sends end `BLOCKED_ADDRESS`.
    pub blocked_addresses: Vec<String>,
    /// Domains (case-insensitive, after `@`) whose sends end `BLOCKED_DOMAIN`.
    pub blocked_domains: Vec<String>,
    /// Chance that a send is answered `THROTTLED`.
    pub throttled_probability: f64,
}

/// How a refused send fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Accepted, then completed with this `sendResult`.
    Blocked(&'static str),
    /// Answered at once with `THROTTLED`.
    Throttled,
}

impl SendFailures {
    /// The failure for a send to `to` (already lowercased); `roll` draws the
    /// throttling chance.
    pub fn pick(&self, to: &str, roll: impl FnOnce(f64) -> bool) -> Option<Refused> {
        let domain = to.rsplit_once('@').map_or("", |(_, d)| d);
        if self
            .blocked_addresses
            .iter()
            .any(|a| a.eq_ignore_ascii_case(to))
        {
            return Some(Refused::Blocked("BLOCKED_ADDRESS"));
        }
        if self
            .blocked_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
        {
            return Some(Refused::Blocked("BLOCKED_DOMAIN"));
        }
        (self.throttled_probability > 0.0 && roll(self.throttled_probability))
            .then_some(Refused::Throttled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_recipients_and_throttling_are_picked_as_configured() {
        let failures = SendFailures {
            blocked_addresses: vec!["Ann@Example.com".into()],
            blocked_domains: vec!["blocked.test".into()],
            throttled_probability: 0.5,
        };
        let never = |_| false;
        assert_eq!(
            failures.pick("ann@example.com", never),
            Some(Refused::Blocked("BLOCKED_ADDRESS"))
        );
        assert_eq!(
            failures.pick("bob@blocked.test", never),
            Some(Refused::Blocked("BLOCKED_DOMAIN"))
        );
        assert_eq!(failures.pick("bob@example.com", never), None);
        assert_eq!(
            failures.pick("bob@example.com", |_| true),
            Some(Refused::Throttled)
        );
        assert_eq!(SendFailures::default().pick("x@y.z", |_| true), None);
    }
}
