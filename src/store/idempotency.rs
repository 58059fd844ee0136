//! `Idempotency-Key` bookkeeping: the first request with a key claims it; later
//! ones (also concurrent ones) get the first one's response.
//!
//! The claim ("in progress") lives only for a short lease, a little longer than
//! a request may take: a process that dies between claim and completion leaves
//! the key blocked for that lease, not for the whole `IDEMPOTENCY_TTL`. The
//! completed response is then kept for the full TTL.

use std::time::Duration;

use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use super::{RedisStore, StoreError};
use crate::clock::millis;

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
}

/// What a request finds under its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: go ahead, then `complete` (or `release` on failure).
    Claimed,
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
    pub(super) store: &'a RedisStore,
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
        let record = Record {
            request: request.to_owned(),
            response: None,
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
            return Ok(IdempotencyClaim::Claimed);
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

    /// Stores the response of a claimed key, kept for `ttl` from now.
    pub async fn complete(
        &self,
        key_digest: &str,
        request: &str,
        response: StoredResponse,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let key = self.store.keys.idempotency(key_digest);
        let record = Record {
            request: request.to_owned(),
            response: Some(response),
        };
        let value =
            serde_json::to_string(&record).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        let options =
            redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let mut conn = self.store.connection();
        let _: Option<String> = self
            .store
            .bounded(conn.set_options(&key, value, options))
            .await?;
        Ok(())
    }

    /// Gives a claimed key up (the request failed and may be retried).
    pub async fn release(&self, key_digest: &str) -> Result<(), StoreError> {
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(conn.del(self.store.keys.idempotency(key_digest)))
            .await?;
        Ok(())
    }
}
