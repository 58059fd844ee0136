//! How the store fails, as callers need to tell failures apart.

use std::time::Duration;

/// A Redis failure, as callers need to tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("redis command failed")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
    #[error("redis answered unexpectedly: {0}")]
    Unexpected(String),
    #[error("redis answered unexpectedly: {0}")]
    UnreadableSignup(UnreadableSignup),
}

/// A stored signup record that does not decode: callers that can go on
/// without it (a replay skips it) tell it apart from Redis failing.
#[derive(Debug, thiserror::Error)]
#[error("unreadable signup record: {0}")]
pub struct UnreadableSignup(pub serde_json::Error);
