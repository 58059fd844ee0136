//! The signup writes that change what a signup is, each fenced by the state
//! its writer read (compared inside its script): the intake's acceptance, a
//! Forms retry's rewrite, the sweep's re-queueing and retirement. A writer
//! holding a stale copy never puts a signup back on a queue, brings a sent or
//! dead-lettered one back, or makes live a signup whose request was not
//! answered 202.

use std::time::{Duration, Instant};

use super::fence::{Created, Guard, Written};

use super::scripts::{CREATE, REPLACE, RETIRE, SUBMITTED, ScriptCall};
use crate::clock::millis;
use crate::domain::{SignupRecord, SignupStatus};
use crate::store::{Signups, StoreError, WAKE_LIST_LENGTH};

impl Signups<'_> {
    /// Runs one fenced write script; what its fence let through.
    async fn fenced(&self, invocation: &ScriptCall<'_>) -> Result<Written, StoreError> {
        let mut conn = self.store.connection();
        let reply: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(Written::of(reply))
    }

    /// Records a new signup (before its Forms call) with its indexes,
    /// atomically; says when, on the Redis clock.
    pub async fn create(
        &self,
        record: &SignupRecord,
        ttl: Duration,
    ) -> Result<Created, StoreError> {
        let mut invocation = CREATE.prepare_invoke();
        invocation
            .key(self.store.keys.signup(&record.signup_id))
            .key(self.store.keys.signups_open())
            .key(self.store.keys.signups_by_email(&record.email))
            .arg(record.signup_id.as_str())
            .arg(record.encode())
            .arg(millis(ttl))
            .arg(record.submitted_at);
        let mut conn = self.store.connection();
        let redis_ms: u64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(Created {
            redis_ms,
            seen_at: Instant::now(),
        })
    }

    /// Stores a signup whose Forms call went through and makes its first
    /// check due after `grace`, if the stored record passes `guard`.
    pub async fn submitted_if(
        &self,
        record: &SignupRecord,
        guard: Guard,
        ttl: Duration,
        grace: Duration,
    ) -> Result<Written, StoreError> {
        self.queue_check(&record.signup_id, Some(record), guard, ttl, grace)
            .await
    }

    /// [`Self::submitted_if`] whatever the stored record's status (an
    /// operator's replay, tests). True when stored; false when it was gone.
    pub async fn submitted(
        &self,
        record: &SignupRecord,
        ttl: Duration,
        grace: Duration,
    ) -> Result<bool, StoreError> {
        let written = self.submitted_if(record, Guard::any(), ttl, grace).await?;
        Ok(written.stored())
    }

    /// Puts a signup back in the check queue, due now, keeping its stored
    /// record, if that record is still in `status` (the sweep).
    pub async fn requeue_check(
        &self,
        signup_id: &str,
        status: SignupStatus,
    ) -> Result<Written, StoreError> {
        let guard = Guard::status(status);
        self.queue_check(signup_id, None, guard, Duration::ZERO, Duration::ZERO)
            .await
    }

    async fn queue_check(
        &self,
        signup_id: &str,
        record: Option<&SignupRecord>,
        guard: Guard,
        ttl: Duration,
        grace: Duration,
    ) -> Result<Written, StoreError> {
        let mut invocation = SUBMITTED.prepare_invoke();
        invocation
            .key(self.store.keys.signup(signup_id))
            .key(self.store.keys.signups_due())
            .key(self.store.keys.signups_unseen())
            .key(self.store.keys.wake_list())
            .arg(signup_id)
            .arg(record.map(SignupRecord::encode).unwrap_or_default())
            .arg(millis(ttl))
            .arg(millis(grace))
            .arg(WAKE_LIST_LENGTH)
            .arg(guard.status.map_or("", SignupStatus::as_str))
            .arg(guard.deadline_ms.unwrap_or(0));
        self.fenced(&invocation).await
    }

    /// Rewrites a signup's record if the stored one passes `guard`; a record
    /// that is gone is never brought back.
    pub async fn save_if(
        &self,
        record: &SignupRecord,
        guard: Guard,
        ttl: Duration,
    ) -> Result<Written, StoreError> {
        let Some(status) = guard.status else {
            return Err(StoreError::Unexpected(
                "a fenced rewrite needs the status its writer read".to_owned(),
            ));
        };
        let mut invocation = REPLACE.prepare_invoke();
        invocation
            .key(self.store.keys.signup(&record.signup_id))
            .arg(record.encode())
            .arg(millis(ttl))
            .arg(status.as_str())
            .arg(guard.deadline_ms.unwrap_or(0));
        self.fenced(&invocation).await
    }

    /// Parks a signup that ended outside a check (rejected on a Forms retry,
    /// past a horizon or never accepted in the sweep), if its stored record is
    /// still in `status`: its record is kept for `ttl` and it leaves every
    /// queue and index.
    pub async fn retire(
        &self,
        record: &SignupRecord,
        status: SignupStatus,
        ttl: Duration,
    ) -> Result<Written, StoreError> {
        let id = &record.signup_id;
        let keys = &self.store.keys;
        let mut invocation = RETIRE.prepare_invoke();
        invocation
            .key(keys.signup(id))
            .key(keys.signups_open())
            .key(keys.signups_due())
            .key(keys.signups_unseen())
            .key(keys.signups_by_email(&record.email));
        if let Some(contact) = record.contact_id {
            invocation.key(keys.signups_by_contact(contact));
        }
        invocation
            .arg(id.as_str())
            .arg(record.encode())
            .arg(millis(ttl))
            .arg(status.as_str());
        self.fenced(&invocation).await
    }
}
