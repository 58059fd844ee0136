//! The per-contact state hash: what operators read, and the send claim that
//! makes the verification email go out once.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

use redis::{AsyncCommands, Script};

use super::{RedisStore, StoreError};
use crate::clock::millis;
use crate::domain::{ContactId, Email};

/// How many recent events are kept per contact.
const CONTACT_EVENTS_KEPT: isize = 20;

static CLAIM_SEND: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("scripts/claim_send.lua")));

/// The answer to a send claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendClaim {
    /// This worker may send now.
    Claimed,
    /// The email went out already.
    AlreadySent,
    /// Another worker holds an unexpired claim.
    Busy,
}

impl RedisStore {
    /// The contact's state fields (empty when none).
    pub async fn contact_state(
        &self,
        contact: ContactId,
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.hgetall(self.keys.contact_state(contact)))
            .await
    }

    /// Sets fields of the contact's state and renews its TTL.
    pub async fn update_contact_state(
        &self,
        contact: ContactId,
        fields: &[(&str, String)],
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let key = self.keys.contact_state(contact);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .hset_multiple(&key, fields)
            .ignore()
            .pexpire(&key, i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
            .ignore();
        let mut conn = self.connection();
        self.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// Starts the contact's wait horizon and attempt count afresh (replays).
    pub async fn restart_contact_wait(&self, contact: ContactId) -> Result<(), StoreError> {
        let now = crate::clock::now_ms();
        let fields = [
            ("firstSeenAt", now.to_string()),
            ("attempts", "0".to_owned()),
        ];
        let mut conn = self.connection();
        self.bounded(conn.hset_multiple(self.keys.contact_state(contact), &fields))
            .await
    }

    /// Adds to a numeric field of the contact's state (e.g. `attempts`).
    pub async fn bump_contact_counter(
        &self,
        contact: ContactId,
        field: &str,
    ) -> Result<u64, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.hincr(self.keys.contact_state(contact), field, 1))
            .await
    }

    /// Keeps a short history of the contact's events for operators.
    pub async fn log_contact_event(
        &self,
        contact: ContactId,
        summary: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let key = self.keys.contact_events(contact);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .lpush(&key, summary)
            .ignore()
            .ltrim(&key, 0, CONTACT_EVENTS_KEPT - 1)
            .ignore()
            .pexpire(&key, i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
            .ignore();
        let mut conn = self.connection();
        self.bounded(pipe.query_async::<()>(&mut conn)).await
    }

    /// The contact's recent events, newest first.
    pub async fn contact_events(&self, contact: ContactId) -> Result<Vec<String>, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.lrange(self.keys.contact_events(contact), 0, -1))
            .await
    }

    /// Remembers which contact an email address belongs to (for `inspect --email`).
    pub async fn remember_email_contact(
        &self,
        email: &Email,
        contact: ContactId,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut conn = self.connection();
        let millis = millis(ttl);
        let _: () = self
            .bounded(conn.pset_ex(self.keys.email_contact(email), contact.get(), millis))
            .await?;
        Ok(())
    }

    /// The contact last seen with this email address, if remembered.
    pub async fn email_contact(&self, email: &Email) -> Result<Option<ContactId>, StoreError> {
        let mut conn = self.connection();
        let id: Option<u64> = self
            .bounded(conn.get(self.keys.email_contact(email)))
            .await?;
        Ok(id.and_then(|id| ContactId::new(id).ok()))
    }

    /// Claims the contact's verification send.
    pub async fn claim_send(
        &self,
        contact: ContactId,
        send_id: &str,
        lease: Duration,
        ttl: Duration,
        claimer: &str,
    ) -> Result<SendClaim, StoreError> {
        let mut invocation = CLAIM_SEND.prepare_invoke();
        invocation
            .key(self.keys.contact_state(contact))
            .arg(send_id)
            .arg(millis(lease))
            .arg(millis(ttl))
            .arg(claimer);
        let mut conn = self.connection();
        let answer: String = self.bounded(invocation.invoke_async(&mut conn)).await?;
        match answer.as_str() {
            "claimed" => Ok(SendClaim::Claimed),
            "sent" => Ok(SendClaim::AlreadySent),
            "busy" => Ok(SendClaim::Busy),
            other => Err(StoreError::Unexpected(format!(
                "claim_send answered {other}"
            ))),
        }
    }
}
