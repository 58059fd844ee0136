//! Every Redis key the reactor writes, named in one place.
//!
//! Keys that must be written together in one script share a hash tag (the part
//! in braces), so the layout also works on Redis Cluster: the event stream and
//! the dedupe markers share `{events}`.

use crate::domain::EventIdentity;

/// Builds key names under the configured prefix (`REDIS_KEY_PREFIX`).
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// Key names under `prefix` (e.g. `sr:`).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    /// The prefix itself, for operators' `SCAN MATCH prefix*`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Stream of recorded contact events, consumed by the worker.
    pub fn event_stream(&self) -> String {
        format!("{}{{events}}:stream", self.prefix)
    }

    /// Dedupe marker of one event identity (string, TTL = dedupe window).
    pub fn event_seen(&self, identity: &EventIdentity) -> String {
        format!("{}{{events}}:seen:{}", self.prefix, identity.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn keys_carry_the_prefix_and_share_the_events_hash_tag() {
        let keys = Keys::new("sr:");
        let identity = EventIdentity::of(&Map::new());
        assert_eq!(keys.event_stream(), "sr:{events}:stream");
        let seen = keys.event_seen(&identity);
        assert!(seen.starts_with("sr:{events}:seen:"), "{seen}");
        assert!(seen.ends_with(identity.as_str()));
    }
}
