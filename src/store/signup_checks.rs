//! Checks of signups: an atomic batch claim under a lease with a fencing
//! token, an outcome only the claim holder can write, events that wake the
//! signups waiting for their contact or address, and the per-contact cooldown.

use std::time::Duration;

use redis::AsyncCommands;

use super::signup_scripts::{CLAIM, DELETED, FINISH, WAKE, finish_mode, wake_kind};

static DUE_BACKLOG: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(include_str!("scripts/due_backlog.lua")));
use super::{CREATED_CONTACT_LIFETIME, Lock, RedisStore, StoreError, WAKE_LIST_LENGTH};
use crate::clock::millis;
use crate::domain::{ContactId, SignupRecord};

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
    pub(super) store: &'a RedisStore,
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
            .key(keys.signups_wake())
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

    /// The contact last named by an event for each address (by
    /// fingerprint), where one was (one `MGET`).
    pub async fn contact_hints(
        &self,
        fingerprints: &[String],
    ) -> Result<Vec<Option<ContactId>>, StoreError> {
        let keys: Vec<String> = fingerprints
            .iter()
            .map(|fp| self.store.keys.contact_hint(fp))
            .collect();
        let hints = self.store.get_many(&keys).await?;
        Ok(hints
            .into_iter()
            .map(|hint| hint.and_then(|h| ContactId::parse(&h).ok()))
            .collect())
    }

    /// Drops the contact hints of these addresses (by fingerprint).
    pub async fn forget_contact_hints(&self, fingerprints: &[String]) -> Result<(), StoreError> {
        if fingerprints.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = fingerprints
            .iter()
            .map(|fp| self.store.keys.contact_hint(fp))
            .collect();
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(redis::cmd("DEL").arg(&keys).query_async(&mut conn))
            .await?;
        Ok(())
    }

    /// Marks a contact deleted for `ttl` when open signups are known on it:
    /// their checks end. A contact without open signups is left alone (no
    /// key is written). Returns whether the contact was marked.
    pub async fn mark_contact_deleted(
        &self,
        contact: ContactId,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut invocation = DELETED.prepare_invoke();
        invocation
            .key(self.store.keys.signups_by_contact(contact))
            .key(self.store.keys.deleted_contact(contact))
            .arg(millis(ttl).max(1));
        let mut conn = self.store.connection();
        let marked: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(marked == 1)
    }

    /// Which of these contacts were deleted (one `MGET`).
    pub async fn deleted_contacts(
        &self,
        contacts: &[ContactId],
    ) -> Result<Vec<ContactId>, StoreError> {
        let keys: Vec<String> = contacts
            .iter()
            .map(|c| self.store.keys.deleted_contact(*c))
            .collect();
        let marks = self.store.get_many(&keys).await?;
        Ok(contacts
            .iter()
            .zip(marks)
            .filter_map(|(contact, mark)| mark.map(|_| *contact))
            .collect())
    }

    /// The open signups seen on a contact.
    pub async fn signups_of_contact(&self, contact: ContactId) -> Result<Vec<String>, StoreError> {
        let mut conn = self.store.connection();
        self.store
            .bounded(conn.smembers(self.store.keys.signups_by_contact(contact)))
            .await
    }

    /// Starts the contact's send cooldown for the signup `holder`; when
    /// another signup's cooldown is running, says how long it has left
    /// instead. The holder's own cooldown never holds it back: a send retried
    /// after a failed call (the same signup, the same sendId) goes at once.
    pub async fn take_send_cooldown(
        &self,
        contact: ContactId,
        cooldown: Duration,
        holder: &str,
    ) -> Result<Option<Duration>, StoreError> {
        if cooldown.is_zero() {
            return Ok(None);
        }
        let key = self.store.keys.send_cooldown(contact);
        let lock = Lock {
            store: self.store,
            key: key.clone(),
        };
        if lock.try_take(holder, cooldown).await? {
            return Ok(None);
        }
        let mut conn = self.store.connection();
        let (owner, left): (Option<String>, i64) = self
            .store
            .bounded(redis::pipe().get(&key).pttl(&key).query_async(&mut conn))
            .await?;
        if owner.as_deref() == Some(holder) {
            return Ok(None);
        }
        Ok(Some(Duration::from_millis(
            u64::try_from(left).unwrap_or(1).max(1),
        )))
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
