//! Fault injection: bursts of 5xx, 429 (with or without `Retry-After`), 401 and
//! slow responses on chosen endpoints, for the next N calls, at random, or
//! during a window, so that clients' retry, back-off and pause paths can be
//! exercised on demand.

use serde::{Deserialize, Serialize};

/// The endpoints a fault rule can target (and the simulator counts requests by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// Every endpoint below.
    All,
    /// `POST /submissions/v3/integration/{secure/}submit/...`.
    FormsSubmit,
    /// `GET …/contacts/{id}` (v3 and dated).
    CrmContact,
    /// `POST …/contacts/batch/read` (v3 and dated).
    CrmBatchRead,
    /// `GET /contacts/v1/contact/vid/{vid}/profile`.
    LegacyProfile,
    /// `GET /contacts/v1/contact/vids/batch/`.
    LegacyProfileBatch,
    /// Single Send (v3 and dated).
    SingleSend,
    /// `GET /marketing/v3/email/send-statuses/{statusId}`.
    SendStatus,
    /// `/webhooks/v3/{appId}/...`.
    WebhooksApi,
    /// The shared batch calls: [`Endpoint::CrmBatchRead`] and
    /// [`Endpoint::LegacyProfileBatch`] (a rule target only).
    SharedBatch,
}

impl Endpoint {
    /// Whether a rule targeting `self` applies to a request to `endpoint`.
    pub fn covers(self, endpoint: Endpoint) -> bool {
        match self {
            Endpoint::All => true,
            Endpoint::SharedBatch => {
                matches!(
                    endpoint,
                    Endpoint::CrmBatchRead | Endpoint::LegacyProfileBatch
                )
            }
            target => target == endpoint,
        }
    }
}

/// What an injected fault does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FaultKind {
    /// Answer with this 5xx status and HubSpot's error body; nothing happens.
    ServerError {
        /// The status to answer (500, 502, 503, 504 ...).
        status: u16,
    },
    /// Answer 429 with HubSpot's rate-limit body and headers, without
    /// `Retry-After`; nothing happens.
    RateLimited,
    /// Answer 429 as above, with `Retry-After` (whole seconds, time-scaled and
    /// rounded up); nothing happens.
    RateLimitedRetryAfter {
        /// Nominal `Retry-After`, in seconds.
        seconds: u64,
    },
    /// Answer 401 (refused credentials: a rotated token, an uninstalled app)
    /// whatever token the request carries; nothing happens.
    Unauthorized,
    /// Wait this long (time-scaled) before handling the request normally.
    Slow {
        /// Nominal delay in milliseconds.
        delay_ms: u64,
    },
}

/// A fault to inject: on matching requests, with a probability, for a number
/// of requests (a burst) or indefinitely.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Which endpoint(s) it hits.
    pub endpoint: Endpoint,
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Chance that a matching request is hit (1.0: every one).
    #[serde(default = "always")]
    pub probability: f64,
    /// How many requests it hits before it expires; `None`: no end.
    #[serde(default)]
    pub remaining: Option<u32>,
    /// Fires only from this long (nominal ms, time-scaled) after the rule is
    /// installed; `None`: at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_in_ms: Option<u64>,
    /// Fires only for this long (nominal ms, time-scaled) after it starts,
    /// then expires; `None`: no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lasts_ms: Option<u64>,
    /// The window resolved when the rule was installed (epoch ms); set by the
    /// simulator from `starts_in_ms` and `lasts_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

/// When a windowed rule fires, in epoch milliseconds: `[from, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First moment it fires.
    pub from: u64,
    /// First moment it no longer fires; `None`: no end.
    pub until: Option<u64>,
}

fn always() -> f64 {
    1.0
}

impl FaultRule {
    /// A burst of `count` responses with `status` on `endpoint`.
    pub fn server_errors(endpoint: Endpoint, status: u16, count: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::ServerError { status },
            probability: 1.0,
            remaining: Some(count),
            starts_in_ms: None,
            lasts_ms: None,
            window: None,
        }
    }

    /// A burst of `count` 429 responses on `endpoint`.
    pub fn rate_limited(endpoint: Endpoint, count: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::RateLimited,
            probability: 1.0,
            remaining: Some(count),
            starts_in_ms: None,
            lasts_ms: None,
            window: None,
        }
    }

    /// A burst of `count` responses delayed by `delay_ms` on `endpoint`.
    pub fn slow(endpoint: Endpoint, delay_ms: u64, count: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::Slow { delay_ms },
            probability: 1.0,
            remaining: Some(count),
            starts_in_ms: None,
            lasts_ms: None,
            window: None,
        }
    }

    /// A burst of `count` 429 responses carrying `Retry-After: seconds`.
    pub fn rate_limited_retry_after(endpoint: Endpoint, seconds: u64, count: u32) -> Self {
        Self {
            kind: FaultKind::RateLimitedRetryAfter { seconds },
            ..Self::rate_limited(endpoint, count)
        }
    }

    /// A burst of `count` 401 responses (refused credentials) on `endpoint`.
    pub fn unauthorized(endpoint: Endpoint, count: u32) -> Self {
        Self {
            kind: FaultKind::Unauthorized,
            ..Self::rate_limited(endpoint, count)
        }
    }

    /// The same rule, firing with probability `probability` and without end.
    pub fn with_probability(mut self, probability: f64) -> Self {
        self.probability = probability;
        self.remaining = None;
        self
    }

    /// The same rule, firing on every matching request (no count) from
    /// `starts_in_ms` after it is installed, for `lasts_ms` (nominal ms).
    pub fn during(mut self, starts_in_ms: u64, lasts_ms: u64) -> Self {
        self.remaining = None;
        self.starts_in_ms = Some(starts_in_ms);
        self.lasts_ms = Some(lasts_ms);
        self.window = None;
        self
    }

    /// Resolves `starts_in_ms` / `lasts_ms` into [`FaultRule::window`] for a
    /// rule installed at `now` (epoch ms) with time scale `scale`. A rule
    /// that already has a window keeps it.
    pub fn installed(mut self, now: u64, scale: impl Fn(u64) -> u64) -> Self {
        if self.window.is_none() && (self.starts_in_ms.is_some() || self.lasts_ms.is_some()) {
            let from = now.saturating_add(scale(self.starts_in_ms.unwrap_or(0)));
            let until = self.lasts_ms.map(|ms| from.saturating_add(scale(ms)));
            self.window = Some(Window { from, until });
        }
        self
    }

    fn spent(&self, now: u64) -> bool {
        self.remaining == Some(0)
            || self
                .window
                .and_then(|w| w.until)
                .is_some_and(|until| now >= until)
    }

    fn active(&self, now: u64) -> bool {
        !self.spent(now) && self.window.is_none_or(|w| now >= w.from)
    }
}

/// Picks the fault (if any) for a request to `endpoint` at `now` (epoch ms),
/// consuming one unit of the first rule that fires, and drops spent rules.
/// `roll` draws a uniform number in `[0, 1)`.
pub fn pick(
    rules: &mut Vec<FaultRule>,
    endpoint: Endpoint,
    now: u64,
    mut roll: impl FnMut() -> f64,
) -> Option<FaultKind> {
    let mut fired = None;
    for (index, rule) in rules.iter_mut().enumerate() {
        if !rule.endpoint.covers(endpoint) || !rule.active(now) {
            continue;
        }
        if roll() < rule.probability {
            if let Some(left) = rule.remaining.as_mut() {
                *left -= 1;
            }
            fired = Some((index, rule.kind));
            break;
        }
    }
    rules.retain(|rule| !rule.spent(now));
    fired.map(|(_, kind)| kind)
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod tests;
