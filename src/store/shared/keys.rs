//! Every Redis key the reactor writes, named in one place.
//!
//! Keys that must be written together in one script share a hash tag (the part
//! in braces), so the layout also works on Redis Cluster: each partition of
//! the event stream shares its tag with its dedupe markers (`{events}` for
//! partition 0, `{events:1}`, `{events:2}`, ... for the others), every signup
//! key shares `{signups}`. Partition 0 keeps the tag of the single stream of
//! earlier versions, so one partition is exactly that layout.

use crate::domain::{ContactId, Email, EventIdentity};

/// Builds key names under the configured prefix (`REDIS_KEY_PREFIX`).
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
    event_partitions: u16,
}

impl Keys {
    /// Key names under `prefix` (e.g. `sr:`), with one event partition.
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            event_partitions: 1,
        }
    }

    /// The same names, with events spread over `partitions` streams
    /// (`EVENT_STREAM_PARTITIONS`; at least 1).
    pub fn with_event_partitions(mut self, partitions: u16) -> Self {
        self.event_partitions = partitions.max(1);
        self
    }

    /// How many partitions this process records into.
    pub fn event_partitions(&self) -> u16 {
        self.event_partitions
    }

    /// The partition of a contact's events: all events of one contact go to
    /// one stream, in the order they were recorded.
    pub fn event_partition_of(&self, contact: ContactId) -> u16 {
        // The remainder is below `event_partitions`, a u16.
        u16::try_from(contact.get() % u64::from(self.event_partitions)).unwrap_or(0)
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

    /// One partition's stream of recorded contact events, consumed by the worker.
    pub fn event_stream(&self, partition: u16) -> String {
        format!("{}{{{}}}:stream", self.prefix, event_tag(partition))
    }

    /// The hash tag of one event partition (`events`, `events:1`, ...).
    pub fn event_tag(&self, partition: u16) -> String {
        event_tag(partition)
    }

    /// Dedupe marker of one event identity in its partition (string `1`, TTL
    /// = dedupe window). The identity's 128 bits are written in base64url
    /// (22 characters rather than 32 in hex): markers are the bulk of the
    /// reactor's memory, and a shorter key is a smaller allocation.
    pub fn event_seen(&self, partition: u16, identity: &EventIdentity) -> String {
        format!(
            "{}{{{}}}:s:{}",
            self.prefix,
            event_tag(partition),
            compact_identity(identity)
        )
    }

    /// The partition counts processes have used (hash: count to when a
    /// process last registered it, ms): consumers drain every partition below
    /// the highest, so changing `EVENT_STREAM_PARTITIONS` strands no event.
    pub fn event_partitions_seen(&self) -> String {
        format!("{}{{events}}:partitions", self.prefix)
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

    /// Wake-up tokens (list, newest first, capped): pushed whenever a signup
    /// becomes due sooner than an idle checker may expect; idle worker
    /// processes block on it.
    pub fn wake_list(&self) -> String {
        format!("{}{{signups}}:wake", self.prefix)
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

    /// Contacts creation events named while no signup was known on them
    /// (sorted set: contact id by the event's time, ms, Redis clock; kept a
    /// few minutes): the next check reads their profiles, which carry their
    /// addresses, in the call that confirms its signups' submissions.
    pub fn created_contacts(&self) -> String {
        format!("{}{{signups}}:created", self.prefix)
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

    /// Marker of the launch's latest status read (string with TTL): while a
    /// launch is under way, one send status read per interval goes ahead.
    pub fn status_canary(&self) -> String {
        format!("{}{{signups}}:status-canary", self.prefix)
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

    /// The signups of one email address in the last 24 hours (sorted set:
    /// one entry per accepted signup by time, ms, Redis clock; TTL 24 h; the
    /// key carries the address's fingerprint, never the address itself): the
    /// `SIGNUP_EMAILS_PER_ADDRESS_PER_DAY` ceiling.
    pub fn signups_of_address(&self, fingerprint: &str) -> String {
        format!("{}address-signups:{fingerprint}", self.prefix)
    }

    /// Sliding-window log of one rate limiter (sorted set).
    pub fn rate_limit(&self, name: &str) -> String {
        format!("{}ratelimit:{name}", self.prefix)
    }

    /// Lock that lets one replica at a time run the reconciliation sweep.
    pub fn sweep_lock(&self) -> String {
        format!("{}sweep:lock", self.prefix)
    }

    /// Where the sweep stopped in the open signups (string: submit time, ms,
    /// and signupId, as `<ms>:<signupId>`); the next sweep, by any replica,
    /// goes on from there, and starts over once it has reached the end.
    pub fn sweep_cursor(&self) -> String {
        format!("{}sweep:cursor", self.prefix)
    }

    /// One `serve` process's heartbeat (string: JSON with its role,
    /// version and start time; TTL 30 s, renewed every 10 s).
    pub fn heartbeat(&self, process_id: &str) -> String {
        format!("{}{{processes}}:process:{process_id}", self.prefix)
    }

    /// The processes that kept a heartbeat (sorted set: process id by its
    /// last beat, ms; members older than an hour are trimmed): how `status`
    /// finds the heartbeat keys without scanning.
    pub fn heartbeats(&self) -> String {
        format!("{}{{processes}}:index", self.prefix)
    }

    /// Work that failed for good, with its reason (stream).
    pub fn dead_letters(&self) -> String {
        format!("{}dead-letters", self.prefix)
    }
}

/// The hash tag of one event partition.
fn event_tag(partition: u16) -> String {
    if partition == 0 {
        "events".to_owned()
    } else {
        format!("events:{partition}")
    }
}

/// The identity's digest in unpadded base64url; the hex form as is if it is
/// not hex (it always is).
fn compact_identity(identity: &EventIdentity) -> String {
    match hex::decode(identity.as_str()) {
        Ok(bytes) => base64url(&bytes),
        Err(_) => identity.as_str().to_owned(),
    }
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
