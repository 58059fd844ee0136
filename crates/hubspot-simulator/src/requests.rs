//! Requests counted by endpoint, whatever their answer: what a client spent of
//! the account's quota, failed and retried calls included, with the injected
//! faults and the quota refusals apart.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::faults::Endpoint;

/// How many requests one endpoint received and how some of them ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestCounts {
    /// Every request received (answered, refused or faulted).
    pub received: u64,
    /// Answered by an injected fault (5xx, 429 or 401); slow faults excluded.
    pub injected: u64,
    /// Refused with 429 because a budget was spent (injected 429s excluded).
    pub quota_rejections: u64,
}

/// Request counts by endpoint (each endpoint as the simulator routes it).
pub type RequestsByEndpoint = BTreeMap<Endpoint, RequestCounts>;

/// How a counted request ended, as far as the gate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Passed the gate (its handler then answered it).
    Admitted,
    /// Answered by an injected fault.
    Injected,
    /// Refused by the budget.
    OverQuota,
    /// Refused for its credentials (not injected).
    Refused,
}

/// Counts one request to `endpoint`.
pub fn count(requests: &mut RequestsByEndpoint, endpoint: Endpoint, how: Counted) {
    let counts = requests.entry(endpoint).or_default();
    counts.received += 1;
    match how {
        Counted::Injected => counts.injected += 1,
        Counted::OverQuota => counts.quota_rejections += 1,
        Counted::Admitted | Counted::Refused => {}
    }
}
