//! Every Redis key the reactor writes, named in one place.
//!
//! Keys that must be written together in one script share a hash tag (the part
//! in braces), so the layout also works on Redis Cluster: the event stream and
//! the dedupe markers share `{events}`.

use crate::domain::{ContactId, Email, EventIdentity};

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

    /// A short-lived key in the slot of hash tag `tag` (e.g. `events`), which
    /// the readiness check writes and reads back.
    pub fn readiness_probe(&self, tag: &str) -> String {
        format!("{}{{{tag}}}:readyz", self.prefix)
    }

    /// Stream of recorded contact events, consumed by the worker.
    pub fn event_stream(&self) -> String {
        format!("{}{{events}}:stream", self.prefix)
    }

    /// Dedupe marker of one event identity (string, TTL = dedupe window).
    pub fn event_seen(&self, identity: &EventIdentity) -> String {
        format!("{}{{events}}:seen:{}", self.prefix, identity.as_str())
    }

    /// The pending signup of one email address (hash; the key carries a
    /// fingerprint of the address, never the address itself).
    pub fn pending_signup(&self, email: &Email) -> String {
        self.pending_signup_by_fingerprint(&email.fingerprint())
    }

    /// [`Self::pending_signup`] from a stored fingerprint.
    pub fn pending_signup_by_fingerprint(&self, fingerprint: &str) -> String {
        format!("{}{{e:{fingerprint}}}:signup", self.prefix)
    }

    /// Index of pending signups by last progress time (sorted set of fingerprints).
    pub fn pending_index(&self) -> String {
        format!("{}signups:pending", self.prefix)
    }

    /// Form submissions waiting for a retry (sorted set: fingerprint by due time).
    pub fn forms_retry_queue(&self) -> String {
        format!("{}forms:retry", self.prefix)
    }

    /// The response to an `Idempotency-Key` (string, TTL 24 h); the key is hashed.
    pub fn idempotency(&self, key_digest: &str) -> String {
        format!("{}idempotency:{key_digest}", self.prefix)
    }

    /// Sliding-window log of one rate limiter (sorted set).
    pub fn rate_limit(&self, name: &str) -> String {
        format!("{}ratelimit:{name}", self.prefix)
    }

    /// Contacts due for a check (sorted set: contact id by due time). One
    /// member per contact is what coalesces bursts of events into one check.
    pub fn check_queue(&self) -> String {
        format!("{}{{checks}}:due", self.prefix)
    }

    /// Marker of a check in progress (string, TTL = check lease).
    pub fn check_in_flight(&self, contact: ContactId) -> String {
        format!("{}{{checks}}:checking:{contact}", self.prefix)
    }

    /// Set when an event arrives during a check, so that it runs again.
    pub fn check_recheck(&self, contact: ContactId) -> String {
        format!("{}{{checks}}:recheck:{contact}", self.prefix)
    }

    /// The last events recorded for a contact (list of JSON summaries, newest first).
    pub fn contact_events(&self, contact: ContactId) -> String {
        format!("{}{{c:{contact}}}:events", self.prefix)
    }

    /// The contact an email address was last seen on (string).
    pub fn email_contact(&self, email: &Email) -> String {
        format!("{}{{e:{}}}:contact", self.prefix, email.fingerprint())
    }

    /// The per-contact state operators read (hash).
    pub fn contact_state(&self, contact: ContactId) -> String {
        format!("{}{{c:{contact}}}:state", self.prefix)
    }

    /// Lock that lets one replica at a time run the reconciliation sweep.
    pub fn sweep_lock(&self) -> String {
        format!("{}sweep:lock", self.prefix)
    }

    /// Work that failed for good, with its reason (stream).
    pub fn dead_letters(&self) -> String {
        format!("{}dead-letters", self.prefix)
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
