//! Checks of signups: an atomic batch claim under a lease with a fencing
//! token, an outcome only the claim holder can write, events that wake the
//! signups waiting for their contact or address (what checks know of contacts
//! themselves, their cooldown included, is in `contacts.rs`).

use std::time::Duration;

use redis::AsyncCommands;

use super::scripts::{CLAIM, FINISH, WAKE, finish_mode, wake_kind};

static DUE_BACKLOG: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(include_str!("../scripts/due_backlog.lua")));
use crate::clock::millis;
use crate::domain::{ContactId, SignupRecord};
use crate::store::{RedisStore, StoreError, WAKE_LIST_LENGTH};

/// How long a contact named by a creation event stays a candidate for the
/// signups whose contact is unseen (HubSpot shows a new contact within
/// seconds; a candidate readable once is settled at once).
pub const CREATED_CONTACT_LIFETIME: Duration = Duration::from_secs(120);

/// How a claimed signup's check ended, for the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckEnd {
    /// Check again after this long (sooner if an event woke it meanwhile).
    Wait(Duration),
    /// Sent or dead-lettered: it leaves every queue and index.
    Final,
    /// Its Forms call is pending again: out of the check queue until it is submitted.
    Drop,
}

/// The due queue at a glance, for pacing the claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueBacklog {
    /// Signups due now.
    pub due_now: usize,
    /// Due time of the earliest queued signup (ms), if any.
    pub earliest: Option<u64>,
    /// When this was read (ms).
    pub now: u64,
}

impl DueBacklog {
    /// How long the earliest due signup has been due (zero if none is).
    pub fn waited(&self) -> Duration {
        Duration::from_millis(self.earliest.map_or(0, |at| self.now.saturating_sub(at)))
    }

    /// How long until the earliest queued signup is due, if one is queued.
    pub fn next_due_in(&self) -> Option<Duration> {
        self.earliest
            .map(|at| Duration::from_millis(at.saturating_sub(self.now)))
    }
}

/// What a finished check writes.
#[derive(Debug, Clone, Copy)]
pub struct Finish<'a> {
    pub signup_id: &'a str,
    /// The record to store; `None` when it is gone (nothing to store).
    pub record: Option<&'a SignupRecord>,
    pub token: &'a str,
    pub end: CheckEnd,
    /// TTL of the stored record.
    pub ttl: Duration,
    /// Delay of the next check when an event arrived during this one.
    pub recheck: Duration,
}

/// The check queue of signups; see [`RedisStore::checks`].
#[derive(Debug, Clone, Copy)]
pub struct Checks<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The check queue: claims, outcomes, wake-ups and cooldowns of checks.
    pub fn checks(&self) -> Checks<'_> {
        Checks { store: self }
    }
}

impl Checks<'_> {
    /// Claims up to `max` due signups under `lease` with the fencing `token`.
    pub async fn claim(
        &self,
        max: usize,
        lease: Duration,
        token: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut invocation = CLAIM.prepare_invoke();
        invocation
            .key(self.store.keys.signups_due())
            .key(self.store.keys.signup_claims())
            .arg(millis(lease))
            .arg(max.max(1))
            .arg(token);
        let mut conn = self.store.connection();
        self.store.bounded(invocation.invoke_async(&mut conn)).await
    }

    /// Writes a check's outcome; false when the claim was lost (lease over
    /// and claimed again), in which case nothing was written.
    pub async fn finish(&self, finish: Finish<'_>) -> Result<bool, StoreError> {
        let keys = &self.store.keys;
        let (mode, delay) = match finish.end {
            CheckEnd::Wait(delay) => (finish_mode::WAIT, delay),
            CheckEnd::Final => (finish_mode::FINAL, Duration::ZERO),
            CheckEnd::Drop => (finish_mode::DROP, Duration::ZERO),
        };
        let mut invocation = FINISH.prepare_invoke();
        invocation
            .key(keys.signups_due())
            .key(keys.signup_claims())
            .key(keys.signups_recheck())
            .key(keys.signups_unseen())
            .key(keys.signups_open())
            .key(keys.signup(finish.signup_id));
        match finish.record {
            Some(record) => {
                invocation.key(keys.signups_by_email(&record.email));
                if let Some(contact) = record.contact_id {
                    invocation.key(keys.signups_by_contact(contact));
                }
            }
            None => {
                invocation.key(keys.signups_by_fingerprint("-"));
            }
        }
        invocation
            .arg(finish.signup_id)
            .arg(finish.token)
            .arg(finish.record.map(SignupRecord::encode).unwrap_or_default())
            .arg(mode)
            .arg(millis(delay))
            .arg(millis(finish.ttl))
            .arg(millis(finish.recheck));
        let mut conn = self.store.connection();
        let written: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(written == 1)
    }

    /// Wakes the open signups of `contact` and, for an `email` change, of the
    /// address with this fingerprint; for a creation event of a contact no
    /// signup is known on, at most one early check of the unseen signups
    /// per `early_interval`. Returns how many signups were woken.
    pub async fn wake(
        &self,
        contact: ContactId,
        email_fingerprint: Option<&str>,
        creation: bool,
        early_interval: Duration,
        hint_ttl: Duration,
    ) -> Result<u64, StoreError> {
        let keys = &self.store.keys;
        let mut invocation = WAKE.prepare_invoke();
        invocation
            .key(keys.signups_due())
            .key(keys.signup_claims())
            .key(keys.signups_recheck())
            .key(keys.signups_unseen())
            .key(keys.early_check())
            .key(keys.signups_by_contact(contact))
            .key(keys.wake_list())
            .key(keys.created_contacts());
        if let Some(fingerprint) = email_fingerprint {
            invocation
                .key(keys.signups_by_fingerprint(fingerprint))
                .key(keys.contact_hint(fingerprint));
        }
        invocation
            .arg(if creation {
                wake_kind::CREATION
            } else {
                wake_kind::CHANGE
            })
            .arg(millis(early_interval).max(1))
            .arg(contact.get())
            .arg(millis(hint_ttl).max(1))
            .arg(WAKE_LIST_LENGTH)
            .arg(millis(CREATED_CONTACT_LIFETIME));
        let mut conn = self.store.connection();
        self.store.bounded(invocation.invoke_async(&mut conn)).await
    }

    /// How long until the earliest signup check is due (zero if one is
    /// due now), if any is queued. Reactor clock.
    pub async fn next_due_in(&self) -> Result<Option<Duration>, StoreError> {
        self.store
            .earliest_due_in(&self.store.keys.signups_due())
            .await
    }

    /// The signups due now: how many (counted up to `limit`), and since when
    /// the earliest is due; with none due, when the next one will be. Redis
    /// clock, the clock of the due times and of the claim.
    pub async fn due_backlog(&self, limit: usize) -> Result<DueBacklog, StoreError> {
        let mut invocation = DUE_BACKLOG.prepare_invoke();
        invocation
            .key(self.store.keys.signups_due())
            .arg(limit.max(1));
        let mut conn = self.store.connection();
        let (due_now, earliest, now): (usize, i64, u64) = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(DueBacklog {
            due_now,
            earliest: u64::try_from(earliest).ok(),
            now,
        })
    }

    /// When a signup's check is due (ms, Redis clock), if it is queued.
    pub async fn due_at(&self, signup_id: &str) -> Result<Option<u64>, StoreError> {
        let mut conn = self.store.connection();
        let score: Option<f64> = self
            .store
            .bounded(conn.zscore(self.store.keys.signups_due(), signup_id))
            .await?;
        Ok(score.map(|s| s as u64))
    }
}
