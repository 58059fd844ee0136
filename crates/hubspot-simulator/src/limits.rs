//! HubSpot's request budgets as the configuration states them: the API
//! quota, the Forms API's own limit and the developer API's.

use serde::{Deserialize, Serialize};

/// A rolling request budget, as HubSpot applies per app or per form endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per interval (`X-HubSpot-RateLimit-Max`).
    pub max: u32,
    /// The rolling interval, in milliseconds before time scaling.
    pub interval_ms: u64,
    /// Requests allowed per day (`X-HubSpot-RateLimit-Daily`); not scaled.
    pub daily: u64,
}

/// Rate limits per endpoint family; `None` disables the limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Unauthenticated form submissions: 50 per 10 s.
    pub forms: Option<RateLimit>,
    /// Everything called with the private app token (CRM, Single Send,
    /// authenticated form submissions), sharing one budget: 190 per 10 s.
    pub api: Option<RateLimit>,
    /// The developer (hapikey) webhooks settings API: 100 per 10 s.
    pub developer: Option<RateLimit>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            forms: Some(RateLimit {
                max: 50,
                interval_ms: 10_000,
                daily: 1_000_000,
            }),
            api: Some(RateLimit {
                max: 190,
                interval_ms: 10_000,
                daily: 1_000_000,
            }),
            developer: Some(RateLimit {
                max: 100,
                interval_ms: 10_000,
                daily: 1_000_000,
            }),
        }
    }
}
