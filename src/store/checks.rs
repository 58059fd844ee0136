//! The contact check queue: one member per contact, due at a time, claimed
//! under a lease; bursts of events for one contact coalesce into one check.

use std::sync::LazyLock;
use std::time::Duration;

use redis::{AsyncCommands, Script};

use super::{RedisStore, StoreError};
use crate::clock::millis;
use crate::domain::ContactId;

static SCHEDULE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/check_schedule.lua")));
static CLAIM: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/check_claim.lua")));
static FINISH: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/check_finish.lua")));

/// How many of the earliest checks a claim attempt looks at.
const CLAIM_CANDIDATES: isize = 8;

/// How a check ended, for the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckEnd {
    /// Nothing more to do for this contact, ever (its email went out).
    Final,
    /// Nothing to do now; runs again only if an event arrived during the check.
    Done,
    /// Check again after this long.
    Retry(Duration),
}

impl RedisStore {
    /// Makes the contact's check due after `delay` (earlier schedules win).
    pub async fn schedule_check(
        &self,
        contact: ContactId,
        delay: Duration,
        lease: Duration,
    ) -> Result<(), StoreError> {
        let mut invocation = SCHEDULE.prepare_invoke();
        invocation
            .key(self.keys.check_queue())
            .key(self.keys.check_in_flight(contact))
            .key(self.keys.check_recheck(contact))
            .arg(millis(delay))
            .arg(contact.get())
            .arg(millis(lease));
        let mut conn = self.connection();
        let _: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
        Ok(())
    }

    /// Claims one due check for `claimer`, if any.
    pub async fn claim_check(
        &self,
        lease: Duration,
        claimer: &str,
    ) -> Result<Option<ContactId>, StoreError> {
        let queue = self.keys.check_queue();
        let mut conn = self.connection();
        let candidates: Vec<String> = self
            .bounded(conn.zrange(&queue, 0, CLAIM_CANDIDATES - 1))
            .await?;
        for candidate in candidates {
            let Ok(contact) = ContactId::parse(&candidate) else {
                let _: i64 = self.bounded(conn.zrem(&queue, &candidate)).await?;
                continue;
            };
            let mut invocation = CLAIM.prepare_invoke();
            invocation
                .key(&queue)
                .key(self.keys.check_in_flight(contact))
                .arg(millis(lease))
                .arg(contact.get())
                .arg(claimer);
            let claimed: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
            if claimed == 1 {
                return Ok(Some(contact));
            }
        }
        Ok(None)
    }

    /// Ends a claimed check.
    pub async fn finish_check(&self, contact: ContactId, end: CheckEnd) -> Result<(), StoreError> {
        let (mode, delay) = match end {
            CheckEnd::Final => ("final", Duration::ZERO),
            CheckEnd::Done => ("done", Duration::ZERO),
            CheckEnd::Retry(delay) => ("retry", delay),
        };
        let mut invocation = FINISH.prepare_invoke();
        invocation
            .key(self.keys.check_queue())
            .key(self.keys.check_in_flight(contact))
            .key(self.keys.check_recheck(contact))
            .arg(mode)
            .arg(millis(delay))
            .arg(contact.get());
        let mut conn = self.connection();
        let _: i64 = self.bounded(invocation.invoke_async(&mut conn)).await?;
        Ok(())
    }
}

/// Where a contact's check stands, for operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckStatus {
    /// When it is due (ms, Redis clock), if scheduled.
    pub due_at: Option<u64>,
    /// Whether a worker is running it now.
    pub in_flight: bool,
}

impl RedisStore {
    /// Whether and when the contact's check is scheduled.
    pub async fn check_status(&self, contact: ContactId) -> Result<CheckStatus, StoreError> {
        let mut conn = self.connection();
        let score: Option<f64> = self
            .bounded(conn.zscore(self.keys.check_queue(), contact.get()))
            .await?;
        let in_flight: bool = self
            .bounded(conn.exists(self.keys.check_in_flight(contact)))
            .await?;
        Ok(CheckStatus {
            due_at: score.map(|s| s as u64),
            in_flight,
        })
    }
}
