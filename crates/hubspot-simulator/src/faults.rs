//! Fault injection: bursts of 5xx, 429 and slow responses on chosen endpoints,
//! so that clients' retry and back-off paths can be exercised on demand.

use serde::{Deserialize, Serialize};

/// The endpoints a fault rule can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl Endpoint {
    /// Whether a rule targeting `self` applies to a request to `endpoint`.
    pub fn covers(self, endpoint: Endpoint) -> bool {
        self == Endpoint::All || self == endpoint
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
    /// Answer 429 with HubSpot's rate-limit body and headers; nothing happens.
    RateLimited,
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
        }
    }

    /// A burst of `count` 429 responses on `endpoint`.
    pub fn rate_limited(endpoint: Endpoint, count: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::RateLimited,
            probability: 1.0,
            remaining: Some(count),
        }
    }

    /// A burst of `count` responses delayed by `delay_ms` on `endpoint`.
    pub fn slow(endpoint: Endpoint, delay_ms: u64, count: u32) -> Self {
        Self {
            endpoint,
            kind: FaultKind::Slow { delay_ms },
            probability: 1.0,
            remaining: Some(count),
        }
    }

    /// The same rule, firing with probability `probability` and without end.
    pub fn with_probability(mut self, probability: f64) -> Self {
        self.probability = probability;
        self.remaining = None;
        self
    }
}

/// Picks the fault (if any) for a request to `endpoint`, consuming one unit of
/// the first rule that fires. `roll` draws a uniform number in `[0, 1)`.
pub fn pick(
    rules: &mut Vec<FaultRule>,
    endpoint: Endpoint,
    mut roll: impl FnMut() -> f64,
) -> Option<FaultKind> {
    let mut fired = None;
    for (index, rule) in rules.iter_mut().enumerate() {
        if !rule.endpoint.covers(endpoint) || rule.remaining == Some(0) {
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
    rules.retain(|rule| rule.remaining != Some(0));
    fired.map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_fires_exactly_its_count_then_expires() {
        let mut rules = vec![FaultRule::server_errors(Endpoint::SingleSend, 503, 2)];
        let fired: Vec<_> = (0..4)
            .map(|_| pick(&mut rules, Endpoint::SingleSend, || 0.5))
            .collect();
        assert_eq!(fired[0], Some(FaultKind::ServerError { status: 503 }));
        assert_eq!(fired[1], Some(FaultKind::ServerError { status: 503 }));
        assert_eq!(fired[2], None);
        assert!(rules.is_empty());
    }

    #[test]
    fn rules_only_hit_their_endpoint() {
        let mut rules = vec![FaultRule::rate_limited(Endpoint::CrmContact, 1)];
        assert_eq!(pick(&mut rules, Endpoint::FormsSubmit, || 0.0), None);
        assert_eq!(
            pick(&mut rules, Endpoint::CrmContact, || 0.0),
            Some(FaultKind::RateLimited)
        );
        let mut all = vec![FaultRule::slow(Endpoint::All, 10, 1).with_probability(0.5)];
        assert_eq!(pick(&mut all, Endpoint::SendStatus, || 0.7), None);
        assert!(pick(&mut all, Endpoint::SendStatus, || 0.2).is_some());
        assert_eq!(all.len(), 1, "probabilistic rules do not expire");
    }
}
