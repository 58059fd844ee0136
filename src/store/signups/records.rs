//! Signup records: one per `signupId`, written whole (the JSON of
//! `SignupRecord`), indexed by email fingerprint and among the open signups.

use std::time::Duration;

use redis::AsyncCommands;

use crate::clock::millis;
use crate::domain::{Email, SignupRecord};
use crate::store::{RedisStore, StoreError, UnreadableSignup};

/// The signup records and their indexes; see [`RedisStore::signups`].
#[derive(Debug, Clone, Copy)]
pub struct Signups<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// Signup records and their indexes.
    pub fn signups(&self) -> Signups<'_> {
        Signups { store: self }
    }
}

impl Signups<'_> {
    /// Rewrites a signup's record, only if it still exists (never resurrects
    /// one), whatever its status: for tests and operators; the reactor's own
    /// rewrites are fenced ([`Self::save_if`]).
    pub async fn save(&self, record: &SignupRecord, ttl: Duration) -> Result<(), StoreError> {
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::XX)
            .with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let mut conn = self.store.connection();
        let _: Option<String> = self
            .store
            .bounded(conn.set_options(
                self.store.keys.signup(&record.signup_id),
                record.encode(),
                options,
            ))
            .await?;
        Ok(())
    }

    /// Removes a signup HubSpot rejected: its own record and index entries,
    /// nothing of any other signup.
    pub async fn discard(&self, record: &SignupRecord) -> Result<(), StoreError> {
        let id = &record.signup_id;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .del(self.store.keys.signup(id))
            .ignore()
            .zrem(self.store.keys.signups_open(), id.as_str())
            .ignore()
            .srem(self.store.keys.signups_by_email(&record.email), id.as_str())
            .ignore();
        let mut conn = self.store.connection();
        self.store.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// Opens a parked signup again (an operator's replay of its dead letter).
    pub async fn reopen(&self, record: &SignupRecord, ttl: Duration) -> Result<(), StoreError> {
        self.create(record, ttl).await.map(|_| ())
    }

    /// Forgets an open signup whose record is gone (after its dead letter).
    pub async fn forget(&self, signup_id: &str) -> Result<(), StoreError> {
        let keys = &self.store.keys;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .zrem(keys.signups_open(), signup_id)
            .ignore()
            .zrem(keys.signups_due(), signup_id)
            .ignore()
            .srem(keys.signups_unseen(), signup_id)
            .ignore();
        let mut conn = self.store.connection();
        self.store.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// One signup's record, if it exists and can be read.
    pub async fn load(&self, signup_id: &str) -> Result<Option<SignupRecord>, StoreError> {
        let mut conn = self.store.connection();
        let raw: Option<String> = self
            .store
            .bounded(conn.get(self.store.keys.signup(signup_id)))
            .await?;
        raw.map(|raw| decode(&raw)).transpose()
    }

    /// Several records at once (one `MGET`), in order; `None` for a record
    /// that is gone or cannot be read.
    pub async fn load_many(&self, ids: &[String]) -> Result<Vec<Option<SignupRecord>>, StoreError> {
        let keys: Vec<String> = ids.iter().map(|id| self.store.keys.signup(id)).collect();
        let raws = self.store.get_many(&keys).await?;
        Ok(raws
            .into_iter()
            .map(|raw| raw.and_then(|raw| SignupRecord::decode(&raw).ok()))
            .collect())
    }

    /// The open signups of an address (for operators), oldest first.
    pub async fn of_email(&self, email: &Email) -> Result<Vec<SignupRecord>, StoreError> {
        let mut conn = self.store.connection();
        let ids: Vec<String> = self
            .store
            .bounded(conn.smembers(self.store.keys.signups_by_email(email)))
            .await?;
        let mut records: Vec<SignupRecord> =
            self.load_many(&ids).await?.into_iter().flatten().collect();
        records.sort_by_key(|r| r.submitted_at);
        Ok(records)
    }

    /// Open signups submitted before `cutoff_ms`, oldest first.
    pub async fn open_before(&self, cutoff_ms: u64, max: isize) -> Result<Vec<String>, StoreError> {
        let mut conn = self.store.connection();
        self.store
            .bounded(conn.zrangebyscore_limit(
                self.store.keys.signups_open(),
                "-inf",
                cutoff_ms,
                0,
                max,
            ))
            .await
    }

    /// How many signups are open, and how many of them are due for a check.
    pub async fn depths(&self) -> Result<(u64, u64), StoreError> {
        let mut conn = self.store.connection();
        let open: u64 = self
            .store
            .bounded(conn.zcard(self.store.keys.signups_open()))
            .await?;
        let due: u64 = self
            .store
            .bounded(conn.zcard(self.store.keys.signups_due()))
            .await?;
        Ok((open, due))
    }
}

fn decode(raw: &str) -> Result<SignupRecord, StoreError> {
    SignupRecord::decode(raw).map_err(|e| StoreError::UnreadableSignup(UnreadableSignup(e)))
}
