//! Redis: the reactor's only state. Knows key names and scripts, nothing of HTTP.

mod connection;
mod dead_letters;
mod delay;
mod events;
mod idempotency;
mod key_scan;
pub mod keys;
mod rate_limit;
mod readiness;
mod server_settings;
mod signup_checks;
mod signups;
mod stream;
mod stream_entry;
mod stream_group;
mod stream_wait;

use std::future::Future;
use std::time::Duration;

pub use crate::config::Quota;
pub use connection::RedisConnection;
pub use dead_letters::{DeadLetter, DeadLetterSource};
pub use events::RecordOutcome;
pub use idempotency::{IdempotencyClaim, StoredResponse};
pub use keys::Keys;
pub use rate_limit::{Permit, PermitIds, Reservation};
pub use server_settings::SettingWarning;
pub use signup_checks::{CheckEnd, Finish};
pub use stream_entry::{RecordedEvent, StreamEntry, entry_field};
pub use stream_group::HANDOFF_CONSUMER;
pub use stream_wait::StreamWaiter;

use crate::config::RedisSettings;

/// A Redis failure, as callers need to tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("redis command failed")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
    #[error("redis answered unexpectedly: {0}")]
    Unexpected(String),
}

/// A shared handle to Redis (one node or a cluster): one multiplexed
/// connection that reconnects by itself.
#[derive(Clone)]
pub struct RedisStore {
    conn: RedisConnection,
    keys: Keys,
    timeout: Duration,
    /// Set once this process has registered its event partition count.
    partitions_registered: std::sync::Arc<tokio::sync::OnceCell<()>>,
}

impl RedisStore {
    /// Prepares a connection without touching the network: the reactor starts
    /// (and reports not ready) while Redis is still down.
    pub fn connect(settings: &RedisSettings) -> Result<Self, StoreError> {
        let conn = RedisConnection::new(settings)?;
        Ok(Self {
            conn,
            keys: Keys::new(settings.key_prefix.clone())
                .with_event_partitions(settings.event_partitions),
            timeout: settings.command_timeout,
            partitions_registered: Default::default(),
        })
    }

    /// Key names in use.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Checks that Redis answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let reply: String = self
            .bounded(redis::cmd("PING").query_async(&mut conn))
            .await?;
        if reply == "PONG" {
            Ok(())
        } else {
            Err(StoreError::Unexpected(reply))
        }
    }

    /// Runs one Redis operation under the command timeout.
    async fn bounded<T>(
        &self,
        operation: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(result) => result.map_err(StoreError::from),
            Err(_) => Err(StoreError::Timeout(self.timeout)),
        }
    }

    fn connection(&self) -> RedisConnection {
        self.conn.clone()
    }
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("keys", &self.keys)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
