//! HubSpot's rolling request budgets per endpoint family, with the values of
//! the `X-HubSpot-RateLimit-*` headers.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::config::{RateLimit, SimConfig};

/// Which budget a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Unauthenticated form submissions.
    Forms,
    /// Calls made with the private app token.
    Api,
    /// Calls made with the developer API key.
    Developer,
}

/// The budget's state after a request, as HubSpot reports it in headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateInfo {
    /// `X-HubSpot-RateLimit-Max`.
    pub max: u32,
    /// `X-HubSpot-RateLimit-Remaining`.
    pub remaining: u32,
    /// `X-HubSpot-RateLimit-Interval-Milliseconds` (after time scaling).
    pub interval_ms: u64,
    /// `X-HubSpot-RateLimit-Daily`.
    pub daily: u64,
    /// `X-HubSpot-RateLimit-Daily-Remaining`.
    pub daily_remaining: u64,
    /// Which policy refused the request, when one did.
    pub exceeded: Option<Policy>,
}

/// The policy a 429 names (`policyName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    TenSecondlyRolling,
    Daily,
}

impl Policy {
    /// HubSpot's `policyName`.
    pub fn name(self) -> &'static str {
        match self {
            Self::TenSecondlyRolling => "TEN_SECONDLY_ROLLING",
            Self::Daily => "DAILY",
        }
    }
}

#[derive(Debug)]
struct Bucket {
    limit: RateLimit,
    interval: Duration,
    recent: VecDeque<Instant>,
    daily_used: u64,
}

impl Bucket {
    fn new(limit: RateLimit, config: &SimConfig) -> Self {
        Self {
            limit,
            interval: config.scaled_ms(limit.interval_ms),
            recent: VecDeque::new(),
            daily_used: 0,
        }
    }

    fn take(&mut self, now: Instant) -> RateInfo {
        while let Some(oldest) = self.recent.front() {
            if now.duration_since(*oldest) >= self.interval {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        let max = self.limit.max;
        let used = u32::try_from(self.recent.len()).unwrap_or(u32::MAX);
        let exceeded = if self.daily_used >= self.limit.daily {
            Some(Policy::Daily)
        } else if used >= max {
            Some(Policy::TenSecondlyRolling)
        } else {
            self.recent.push_back(now);
            self.daily_used += 1;
            None
        };
        let used = u32::try_from(self.recent.len()).unwrap_or(u32::MAX);
        RateInfo {
            max,
            remaining: max.saturating_sub(used),
            interval_ms: u64::try_from(self.interval.as_millis()).unwrap_or(u64::MAX),
            daily: self.limit.daily,
            daily_remaining: self.limit.daily.saturating_sub(self.daily_used),
            exceeded,
        }
    }
}

/// The budgets of the three families.
#[derive(Debug)]
pub struct RateLimiter {
    forms: Option<Bucket>,
    api: Option<Bucket>,
    developer: Option<Bucket>,
}

impl RateLimiter {
    /// Budgets as configured (`None` families are unlimited).
    pub fn new(config: &SimConfig) -> Self {
        let limits = &config.rate_limits;
        Self {
            forms: limits.forms.map(|l| Bucket::new(l, config)),
            api: limits.api.map(|l| Bucket::new(l, config)),
            developer: limits.developer.map(|l| Bucket::new(l, config)),
        }
    }

    /// Counts a request against its family. `None` when the family is unlimited.
    pub fn take(&mut self, family: Family) -> Option<RateInfo> {
        let bucket = match family {
            Family::Forms => self.forms.as_mut(),
            Family::Api => self.api.as_mut(),
            Family::Developer => self.developer.as_mut(),
        }?;
        Some(bucket.take(Instant::now()))
    }

    /// A full budget's headers, for injected 429s on unlimited families.
    pub fn nominal(&self, family: Family) -> RateInfo {
        let bucket = match family {
            Family::Forms => self.forms.as_ref(),
            Family::Api => self.api.as_ref(),
            Family::Developer => self.developer.as_ref(),
        };
        let (max, interval_ms, daily) = bucket.map_or((100, 10_000, 1_000_000), |b| {
            let interval = u64::try_from(b.interval.as_millis()).unwrap_or(u64::MAX);
            (b.limit.max, interval, b.limit.daily)
        });
        RateInfo {
            max,
            remaining: 0,
            interval_ms,
            daily,
            daily_remaining: daily,
            exceeded: Some(Policy::TenSecondlyRolling),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateLimits;

    #[test]
    fn the_budget_refuses_past_max_and_counts_down() {
        let config = SimConfig {
            rate_limits: RateLimits {
                forms: Some(RateLimit {
                    max: 2,
                    interval_ms: 60_000,
                    daily: 10,
                }),
                api: None,
                developer: None,
            },
            ..SimConfig::default()
        };
        let mut limiter = RateLimiter::new(&config);
        let first = limiter.take(Family::Forms);
        assert_eq!(first.map(|i| (i.remaining, i.exceeded)), Some((1, None)));
        let second = limiter.take(Family::Forms);
        assert_eq!(second.map(|i| i.remaining), Some(0));
        let third = limiter.take(Family::Forms);
        assert_eq!(
            third.and_then(|i| i.exceeded),
            Some(Policy::TenSecondlyRolling)
        );
        assert_eq!(limiter.take(Family::Api), None);
    }
}
