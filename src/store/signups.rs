//! Signup records: one per `signupId`, written whole (the JSON of
//! `SignupRecord`), indexed by email fingerprint and among the open signups.

use std::sync::LazyLock;
use std::time::Duration;

use redis::{AsyncCommands, Script};

use super::{RedisStore, StoreError};
use crate::clock::millis;
use crate::domain::{Email, SignupRecord};

static CREATE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/signup_create.lua")));
static SUBMITTED: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/signup_submitted.lua")));

impl RedisStore {
    /// Records a new signup (before its Forms call) with its indexes, atomically.
    pub async fn create_signup(
        &self,
        record: &SignupRecord,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut invocation = CREATE.prepare_invoke();
        invocation
            .key(self.keys.signup(&record.signup_id))
            .key(self.keys.signups_open())
            .key(self.keys.signups_by_email(&record.email))
            .arg(&record.signup_id)
            .arg(record.encode())
            .arg(millis(ttl))
            .arg(record.submitted_at);
        let mut conn = self.connection();
        let _: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
        Ok(())
    }

    /// Rewrites a signup's record, only if it still exists (never resurrects one).
    pub async fn save_signup(
        &self,
        record: &SignupRecord,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::XX)
            .with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let mut conn = self.connection();
        let _: Option<String> = self
            .bounded(conn.set_options(
                self.keys.signup(&record.signup_id),
                record.encode(),
                options,
            ))
            .await?;
        Ok(())
    }

    /// Stores a signup whose Forms call went through and makes its first
    /// check due after `grace`. False when the record was gone.
    pub async fn signup_submitted(
        &self,
        record: &SignupRecord,
        ttl: Duration,
        grace: Duration,
    ) -> Result<bool, StoreError> {
        let mut invocation = SUBMITTED.prepare_invoke();
        invocation
            .key(self.keys.signup(&record.signup_id))
            .key(self.keys.signups_due())
            .key(self.keys.signups_unseen())
            .arg(&record.signup_id)
            .arg(record.encode())
            .arg(millis(ttl))
            .arg(millis(grace));
        let mut conn = self.connection();
        let stored: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
        Ok(stored == 1)
    }

    /// Removes a signup HubSpot rejected: its own record and index entries,
    /// nothing of any other signup.
    pub async fn discard_signup(&self, record: &SignupRecord) -> Result<(), StoreError> {
        let id = &record.signup_id;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .del(self.keys.signup(id))
            .ignore()
            .zrem(self.keys.signups_open(), id)
            .ignore()
            .srem(self.keys.signups_by_email(&record.email), id)
            .ignore();
        let mut conn = self.connection();
        self.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// Parks a signup that ended outside a check (rejected on a Forms retry,
    /// past a horizon in the sweep): its record is kept for `ttl` and it
    /// leaves every queue and index.
    pub async fn retire_signup(
        &self,
        record: &SignupRecord,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let id = &record.signup_id;
        let keys = &self.keys;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .set_options(
                keys.signup(id),
                record.encode(),
                redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis(ttl))),
            )
            .ignore()
            .zrem(keys.signups_open(), id)
            .ignore()
            .zrem(keys.signups_due(), id)
            .ignore()
            .srem(keys.signups_unseen(), id)
            .ignore()
            .srem(keys.signups_by_email(&record.email), id)
            .ignore();
        if let Some(contact) = record.contact_id {
            pipe.srem(keys.signups_by_contact(contact), id).ignore();
        }
        let mut conn = self.connection();
        self.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// Opens a parked signup again (an operator's replay of its dead letter).
    pub async fn reopen_signup(
        &self,
        record: &SignupRecord,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        self.create_signup(record, ttl).await
    }

    /// Forgets an open signup whose record is gone (after its dead letter).
    pub async fn forget_signup(&self, signup_id: &str) -> Result<(), StoreError> {
        let keys = &self.keys;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .zrem(keys.signups_open(), signup_id)
            .ignore()
            .zrem(keys.signups_due(), signup_id)
            .ignore()
            .srem(keys.signups_unseen(), signup_id)
            .ignore();
        let mut conn = self.connection();
        self.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// One signup's record, if it exists and can be read.
    pub async fn load_signup(&self, signup_id: &str) -> Result<Option<SignupRecord>, StoreError> {
        let mut conn = self.connection();
        let raw: Option<String> = self.bounded(conn.get(self.keys.signup(signup_id))).await?;
        raw.map(|raw| decode(&raw)).transpose()
    }

    /// Several records at once (one `MGET`), in order; `None` for a record
    /// that is gone or cannot be read.
    pub async fn load_signups(
        &self,
        ids: &[String],
    ) -> Result<Vec<Option<SignupRecord>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.keys.signup(id)).collect();
        let mut conn = self.connection();
        let raws: Vec<Option<String>> = self
            .bounded(redis::cmd("MGET").arg(&keys).query_async(&mut conn))
            .await?;
        Ok(raws
            .into_iter()
            .map(|raw| raw.and_then(|raw| SignupRecord::decode(&raw).ok()))
            .collect())
    }

    /// The open signups of an address (for operators), oldest first.
    pub async fn signups_of_email(&self, email: &Email) -> Result<Vec<SignupRecord>, StoreError> {
        let mut conn = self.connection();
        let ids: Vec<String> = self
            .bounded(conn.smembers(self.keys.signups_by_email(email)))
            .await?;
        let mut records: Vec<SignupRecord> = self
            .load_signups(&ids)
            .await?
            .into_iter()
            .flatten()
            .collect();
        records.sort_by_key(|r| r.submitted_at);
        Ok(records)
    }

    /// Open signups submitted before `cutoff_ms`, oldest first.
    pub async fn open_signups_before(
        &self,
        cutoff_ms: u64,
        max: isize,
    ) -> Result<Vec<String>, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.zrangebyscore_limit(self.keys.signups_open(), "-inf", cutoff_ms, 0, max))
            .await
    }

    /// How many signups are open, and how many of them are due for a check.
    pub async fn signup_depths(&self) -> Result<(u64, u64), StoreError> {
        let mut conn = self.connection();
        let open: u64 = self.bounded(conn.zcard(self.keys.signups_open())).await?;
        let due: u64 = self.bounded(conn.zcard(self.keys.signups_due())).await?;
        Ok((open, due))
    }
}

fn decode(raw: &str) -> Result<SignupRecord, StoreError> {
    SignupRecord::decode(raw)
        .map_err(|e| StoreError::Unexpected(format!("unreadable signup record: {e}")))
}
