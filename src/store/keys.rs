//! Every Redis key the reactor writes, named in one place.
//!
//! Keys that must be written together in one script share a hash tag (the part
//! in braces), so the layout also works on Redis Cluster: the event stream and
//! the dedupe markers share `{events}`, every signup key shares `{signups}`.

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

    /// One signup's record (string: the JSON of `SignupRecord`). Every
    /// signup key shares the `{signups}` hash tag, so that one script can
    /// claim, finish or wake any set of signups atomically, on Redis Cluster too.
    pub fn signup(&self, signup_id: &str) -> String {
        format!("{}{{signups}}:signup:{signup_id}", self.prefix)
    }

    /// The open signups of one email address (set of signupIds; the key
    /// carries a fingerprint of the address, never the address itself).
    pub fn signups_by_email(&self, email: &Email) -> String {
        self.signups_by_fingerprint(&email.fingerprint())
    }

    /// [`Self::signups_by_email`] from a fingerprint (as carried by events).
    pub fn signups_by_fingerprint(&self, fingerprint: &str) -> String {
        format!("{}{{signups}}:email:{fingerprint}", self.prefix)
    }

    /// The contact an event last named for an address with open signups
    /// (string: contact id, TTL = the wait horizon; the key carries the
    /// address's fingerprint): lets a check read that contact's profile
    /// directly instead of looking the address up first.
    pub fn contact_hint(&self, fingerprint: &str) -> String {
        format!("{}{{signups}}:hint:{fingerprint}", self.prefix)
    }

    /// The open signups seen on one contact (set of signupIds): what an
    /// event for that contact wakes.
    pub fn signups_by_contact(&self, contact: ContactId) -> String {
        format!("{}{{signups}}:contact:{contact}", self.prefix)
    }

    /// Signups due for a check (sorted set: signupId by due time, ms, Redis
    /// clock). A claimed signup's score is the end of its lease.
    pub fn signups_due(&self) -> String {
        format!("{}{{signups}}:due", self.prefix)
    }

    /// The claim token of each claimed signup (hash: signupId to token); only
    /// the holder of the current token may write the outcome.
    pub fn signup_claims(&self) -> String {
        format!("{}{{signups}}:claims", self.prefix)
    }

    /// Signups woken by an event while claimed (set): checked again soon
    /// after the running check ends.
    pub fn signups_recheck(&self) -> String {
        format!("{}{{signups}}:recheck", self.prefix)
    }

    /// Submitted signups whose contact has not been seen yet (set): what a
    /// creation event of an unknown contact may wake early.
    pub fn signups_unseen(&self) -> String {
        format!("{}{{signups}}:unseen", self.prefix)
    }

    /// Marker that coalesces early checks of unseen signups (string with TTL).
    pub fn early_check(&self) -> String {
        format!("{}{{signups}}:early", self.prefix)
    }

    /// Every signup not yet sent or dead-lettered (sorted set: signupId by
    /// submit time, ms): the sweep's view of work that must not vanish.
    pub fn signups_open(&self) -> String {
        format!("{}{{signups}}:open", self.prefix)
    }

    /// The per-contact send cooldown (string with TTL).
    pub fn send_cooldown(&self, contact: ContactId) -> String {
        format!("{}{{signups}}:cooldown:{contact}", self.prefix)
    }

    /// Marker of a deleted contact (string with TTL): its signups' checks end.
    pub fn deleted_contact(&self, contact: ContactId) -> String {
        format!("{}{{signups}}:deleted:{contact}", self.prefix)
    }

    /// Form submissions waiting for a retry (sorted set: signupId by due time).
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

    #[test]
    fn every_signup_key_shares_the_signups_hash_tag() {
        let keys = Keys::new("sr:");
        let contact = ContactId::new(42).expect("contact");
        let email = Email::parse("pat@example.com").expect("email");
        for key in [
            keys.signup("s1"),
            keys.signups_by_email(&email),
            keys.signups_by_contact(contact),
            keys.signups_due(),
            keys.signup_claims(),
            keys.signups_recheck(),
            keys.signups_unseen(),
            keys.early_check(),
            keys.signups_open(),
            keys.send_cooldown(contact),
            keys.deleted_contact(contact),
            keys.contact_hint(&email.fingerprint()),
        ] {
            assert!(key.starts_with("sr:{signups}:"), "{key}");
            assert!(!key.contains("pat@"), "{key}");
        }
    }
}
