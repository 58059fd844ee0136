//! The shared handle to Redis every concern of the store reaches it through.

use std::future::Future;
use std::time::Duration;

use super::connection::RedisConnection;
use super::keys::Keys;
use super::settings::RedisSettings;
use crate::store::error::StoreError;
use crate::store::events::partition_counts::PartitionRegistry;

/// A shared handle to Redis (one node or a cluster): one multiplexed
/// connection that reconnects by itself, the key names and the command
/// timeout. Each concern reaches Redis through a handle of its own
/// ([`Self::signups`], [`Self::checks`], [`Self::events`], ...), defined
/// beside that handle, so the operations of one concern live together and
/// read without the others.
#[derive(Clone)]
pub struct RedisStore {
    pub(in crate::store) conn: RedisConnection,
    pub(in crate::store) keys: Keys,
    pub(in crate::store) timeout: Duration,
    /// The event partition counts in use, as this process last read them.
    pub(in crate::store) partition_registry: std::sync::Arc<std::sync::Mutex<PartitionRegistry>>,
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
            partition_registry: Default::default(),
        })
    }

    /// Key names in use.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// The time limit of one Redis command (`REDIS_COMMAND_TIMEOUT`).
    pub fn command_timeout(&self) -> Duration {
        self.timeout
    }

    /// The values of `keys` (one `MGET`; the keys must share a slot), in
    /// their order; nothing to ask for asks Redis nothing.
    pub(in crate::store) async fn get_many(
        &self,
        keys: &[String],
    ) -> Result<Vec<Option<String>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.connection();
        self.bounded(redis::cmd("MGET").arg(keys).query_async(&mut conn))
            .await
    }

    /// Runs one Redis operation under the command timeout.
    pub(in crate::store) async fn bounded<T>(
        &self,
        operation: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(result) => result.map_err(StoreError::from),
            Err(_) => Err(StoreError::Timeout(self.timeout)),
        }
    }

    /// The shared multiplexed connection (a cheap clone).
    pub(in crate::store) fn connection(&self) -> RedisConnection {
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
