//! `Idempotency-Key` bookkeeping: the first request with a key claims it; later
//! ones (also concurrent ones) get the first one's response.
//!
//! The claim ("in progress") lives only for a short lease, a little longer than
//! a request may take: a process that dies between claim and completion leaves
//! the key blocked for that lease, not for the whole `IDEMPOTENCY_TTL`. The
//! completed response is then kept for the full TTL.
//!
//! Each claim carries a token of its own request: `complete` and `release`
//! compare it in Redis (scripts/idempotency_*.lua), so a request that outlived
//! its lease, while a retry claimed the key, never deletes or overwrites the
//! successor's claim or answer.

use std::sync::LazyLock;
use std::time::Duration;

use redis::{AsyncCommands, Script};
use serde::{Deserialize, Serialize};

use crate::clock::millis;
use crate::store::{RedisStore, StoreError};

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// Digest of the request this key was first used with.
    request: String,
    response: Option<StoredResponse>,
    /// The claiming request's token (absent in records of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

static COMPLETE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/idempotency_complete.lua")));
static RELEASE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/idempotency_release.lua")));

/// The token of one request's claim: what `complete` and `release` prove
/// ownership of the key with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken(String);

impl ClaimToken {
    fn new() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }
}

/// What `complete` or `release` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fenced {
    /// Done: the key was this request's.
    Done,
    /// Nothing written: another request holds the key now.
    NotOurs,
}

/// What a request finds under its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: go ahead, then `complete` (or `release` on failure) with
    /// this token.
    Claimed(ClaimToken),
    /// Another request with this key is still being processed.
    InProgress,
    /// Processed already: replay this.
    Done(StoredResponse),
    /// The key was first used with a different request.
    Mismatch,
}

/// `Idempotency-Key` records; see [`RedisStore::idempotency`].
#[derive(Debug, Clone, Copy)]
pub struct Idempotency<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// `Idempotency-Key` claims and stored responses.
    pub fn idempotency(&self) -> Idempotency<'_> {
        Idempotency { store: self }
    }
}

impl Idempotency<'_> {
    /// Claims `key_digest` for the request with digest `request`, for `lease`.
    pub async fn claim(
        &self,
        key_digest: &str,
        request: &str,
        lease: Duration,
    ) -> Result<IdempotencyClaim, StoreError> {
        let key = self.store.keys.idempotency(key_digest);
        let token = ClaimToken::new();
        let record = Record {
            request: request.to_owned(),
            response: None,
            token: Some(token.0.clone()),
        };
        let value =
            serde_json::to_string(&record).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .get(true)
            .with_expiration(redis::SetExpiry::PX(millis(lease)));
        let mut conn = self.store.connection();
        let previous: Option<String> = self
            .store
            .bounded(conn.set_options(&key, value, options))
            .await?;
        let Some(previous) = previous else {
            return Ok(IdempotencyClaim::Claimed(token));
        };
        let previous: Record =
            serde_json::from_str(&previous).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        Ok(match previous {
            Record { request: first, .. } if first != request => IdempotencyClaim::Mismatch,
            Record {
                response: Some(response),
                ..
            } => IdempotencyClaim::Done(response),
            Record { response: None, .. } => IdempotencyClaim::InProgress,
        })
    }

    /// Stores the response of the key `token` claimed, kept for `ttl` from
    /// now; nothing is written when another request holds the key.
    pub async fn complete(
        &self,
        key_digest: &str,
        token: &ClaimToken,
        request: &str,
        response: StoredResponse,
        ttl: Duration,
    ) -> Result<Fenced, StoreError> {
        let record = Record {
            request: request.to_owned(),
            response: Some(response),
            token: Some(token.0.clone()),
        };
        let value =
            serde_json::to_string(&record).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        let mut invocation = COMPLETE.prepare_invoke();
        invocation
            .key(self.store.keys.idempotency(key_digest))
            .arg(&token.0)
            .arg(value)
            .arg(millis(ttl));
        let mut conn = self.store.connection();
        let stored: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(fenced(stored))
    }

    /// Gives up the key `token` claimed (the request failed and may be
    /// retried); nothing is deleted when another request holds the key or it
    /// has its answer.
    pub async fn release(
        &self,
        key_digest: &str,
        token: &ClaimToken,
    ) -> Result<Fenced, StoreError> {
        let mut invocation = RELEASE.prepare_invoke();
        invocation
            .key(self.store.keys.idempotency(key_digest))
            .arg(&token.0);
        let mut conn = self.store.connection();
        let released: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(fenced(released))
    }
}

fn fenced(written: i64) -> Fenced {
    if written == 1 {
        Fenced::Done
    } else {
        Fenced::NotOurs
    }
}
