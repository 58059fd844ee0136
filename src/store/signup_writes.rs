//! The signup writes that change what a signup is, each fenced by the state
//! its writer read (compared inside its script): the intake's acceptance, a
//! Forms retry's rewrite, the sweep's re-queueing and retirement. A writer
//! holding a stale copy never puts a signup back on a queue, brings a sent or
//! dead-lettered one back, or makes live a signup whose request was not
//! answered 202.

use std::time::{Duration, Instant};

use super::signup_scripts::{CREATE, REPLACE, RETIRE, SUBMITTED};
use super::{RedisStore, Signups, StoreError, WAKE_LIST_LENGTH};
use crate::clock::millis;
use crate::domain::{SignupRecord, SignupStatus};

/// What a fenced write requires of the stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    /// The status the stored record must still have (`None`: any; an
    /// operator's replay).
    pub status: Option<SignupStatus>,
    /// The latest moment of the write, ms on the Redis clock (`None`: none).
    pub deadline_ms: Option<u64>,
}

impl Guard {
    /// Only while the stored record is still in `status`.
    pub fn status(status: SignupStatus) -> Self {
        Self {
            status: Some(status),
            deadline_ms: None,
        }
    }

    /// Whatever the stored record's status (an operator's replay).
    pub fn any() -> Self {
        Self {
            status: None,
            deadline_ms: None,
        }
    }
}

/// What a fenced write found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written.
    Stored,
    /// Nothing written: the record was gone.
    Gone,
    /// Nothing written: another writer moved the record on.
    Changed,
    /// Nothing written: the deadline had passed when Redis ran the write.
    TooLate,
}

impl Written {
    fn of(reply: i64) -> Self {
        match reply {
            1 => Self::Stored,
            0 => Self::Gone,
            -2 => Self::TooLate,
            _ => Self::Changed,
        }
    }

    /// Whether the write happened.
    pub fn stored(self) -> bool {
        self == Self::Stored
    }
}

/// When a new signup's record was written, on the Redis clock and on this
/// process's monotonic clock: the intake's acceptance deadline is expressed
/// on the Redis clock from it, with no assumption about the two clocks'
/// agreement.
#[derive(Debug, Clone, Copy)]
pub struct Created {
    /// The Redis clock when the record was written (ms).
    pub redis_ms: u64,
    /// This process's clock when the answer arrived (after the write).
    pub seen_at: Instant,
}

impl Created {
    /// The Redis-clock deadline for a write sent at `now`, whose sender waits
    /// `reply_wait` for its answer and must be done by `accept_by`: half the
    /// wait (the other half is left for the answer's way back), and never past
    /// `accept_by`. `None` when `accept_by` has passed. The record was written
    /// before its answer arrived, so the Redis clock at `seen_at` is at least
    /// `redis_ms`: the deadline is never later than the sender's own.
    pub fn deadline(&self, now: Instant, accept_by: Instant, reply_wait: Duration) -> Option<u64> {
        let left = accept_by.checked_duration_since(now)?;
        if left.is_zero() {
            return None;
        }
        let budget = left.min(reply_wait / 2);
        let since = now.saturating_duration_since(self.seen_at);
        Some(self.redis_ms + millis(since) + millis(budget))
    }
}

impl Signups<'_> {
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
            .arg(&record.signup_id)
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
            .key(self.store.keys.signups_wake())
            .arg(signup_id)
            .arg(record.map(SignupRecord::encode).unwrap_or_default())
            .arg(millis(ttl))
            .arg(millis(grace))
            .arg(WAKE_LIST_LENGTH)
            .arg(guard.status.map_or("", SignupStatus::as_str))
            .arg(guard.deadline_ms.unwrap_or(0));
        let mut conn = self.store.connection();
        let reply: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(Written::of(reply))
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
        let mut conn = self.store.connection();
        let reply: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(Written::of(reply))
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
            .arg(id)
            .arg(record.encode())
            .arg(millis(ttl))
            .arg(status.as_str());
        let mut conn = self.store.connection();
        let reply: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(Written::of(reply))
    }
}

impl RedisStore {
    /// The time limit of one Redis command (`REDIS_COMMAND_TIMEOUT`).
    pub fn command_timeout(&self) -> Duration {
        self.timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acceptance_deadline_is_never_later_than_its_sender_waits() {
        let seen_at = Instant::now();
        let created = Created {
            redis_ms: 1_000_000,
            seen_at,
        };
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        // (sent after the create's answer, accept_by after it, reply wait, deadline)
        let cases = [
            (ms(0), s(30), s(2), Some(1_001_000)),
            (ms(500), s(30), s(2), Some(1_001_500)),
            (ms(500), ms(700), s(2), Some(1_000_700)),
            (s(10), s(30), ms(500), Some(1_010_250)),
            (s(30), s(30), s(2), None),
            (s(31), s(30), s(2), None),
        ];
        for (sent, by, wait, expected) in cases {
            let deadline = created.deadline(seen_at + sent, seen_at + by, wait);
            assert_eq!(deadline, expected, "{sent:?} {by:?} {wait:?}");
        }
    }

    #[test]
    fn script_replies_read_as_what_the_write_found() {
        let cases = [
            (1, Written::Stored),
            (0, Written::Gone),
            (-1, Written::Changed),
            (-2, Written::TooLate),
        ];
        for (reply, expected) in cases {
            assert_eq!(Written::of(reply), expected, "{reply}");
        }
        assert!(Written::Stored.stored());
        assert!(!Written::TooLate.stored());
    }
}
