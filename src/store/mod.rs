//! Redis: the reactor's only state. Knows key names and scripts, nothing of HTTP.

mod address_ceiling;
mod connection;
mod created_contacts;
mod dead_letters;
mod delay;
mod event_log;
mod event_partitions;
mod events;
mod heartbeats;
mod idempotency;
mod key_scan;
pub mod keys;
mod lock;
mod partition_counts;
mod permit_guard;
mod queue_wait;
mod rate_limit;
mod readiness;
mod server_settings;
mod settings;
mod signup_checks;
mod signup_fence;
mod signup_scripts;
mod signup_writes;
mod signups;
mod status_reads;
mod stream;
mod stream_entry;
mod stream_group;
mod stream_wait;
mod sweep_cursor;

use std::future::Future;
use std::time::Duration;

pub use address_ceiling::{ADDRESS_CEILING_WINDOW, AddressCeiling};
pub use connection::RedisConnection;
pub use created_contacts::CREATED_CONTACT_LIFETIME;
pub use dead_letters::{DeadLetter, DeadLetterPage, DeadLetterSource, DeadLetters, source_label};
pub use delay::DelayQueue;
pub use event_log::Events;
pub use events::RecordOutcome;
pub use heartbeats::{Heartbeat, Heartbeats};
pub use idempotency::{ClaimToken, Fenced, Idempotency, IdempotencyClaim, StoredResponse};
pub use keys::Keys;
pub use lock::Lock;
pub use permit_guard::{PermitGuard, PermitRequest};
pub use queue_wait::{QueueWaiter, WAKE_LIST_LENGTH};
pub use rate_limit::{Limiter, Permit, PermitIds, RateLimits, Reservation};
pub use readiness::Readiness;
pub use server_settings::{ServerSettings, SettingWarning};
pub use settings::{
    ClusterMode, MAX_EVENT_PARTITIONS, Quota, RedisSettings, redacted_url, redis_nodes,
};
pub use signup_checks::{CheckEnd, Checks, DueBacklog, Finish};
pub use signup_fence::{Created, Guard, Written};
pub use signups::Signups;
pub use status_reads::{KeySample, PartitionDepth, StatusReads};
pub use stream_entry::{RecordedEvent, StreamEntry, entry_field};
pub use stream_group::HANDOFF_CONSUMER;
pub use stream_wait::StreamWaiter;
pub use sweep_cursor::{OpenPage, OpenPosition, SweepCursor};

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

/// A shared handle to Redis (one node or a cluster): one multiplexed
/// connection that reconnects by itself, the key names and the command
/// timeout. Each concern reaches Redis through a handle of its own
/// ([`Self::signups`], [`Self::checks`], ...), so the operations of one
/// concern live together and read without the others.
#[derive(Clone)]
pub struct RedisStore {
    conn: RedisConnection,
    keys: Keys,
    timeout: Duration,
    /// The event partition counts in use, as this process last read them.
    partition_registry: std::sync::Arc<std::sync::Mutex<event_partitions::PartitionRegistry>>,
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

    /// Signup records and their indexes.
    pub fn signups(&self) -> Signups<'_> {
        Signups { store: self }
    }

    /// The check queue: claims, outcomes, wake-ups and cooldowns of checks.
    pub fn checks(&self) -> Checks<'_> {
        Checks { store: self }
    }

    /// The dead-letter stream.
    pub fn dead_letters(&self) -> DeadLetters<'_> {
        DeadLetters { store: self }
    }

    /// `Idempotency-Key` claims and stored responses.
    pub fn idempotency(&self) -> Idempotency<'_> {
        Idempotency { store: self }
    }

    /// The rate limiters shared by every replica.
    pub fn rate_limits(&self) -> RateLimits<'_> {
        RateLimits { store: self }
    }

    /// The ceiling of signups per email address and day.
    pub fn address_ceiling(&self) -> AddressCeiling<'_> {
        AddressCeiling { store: self }
    }

    /// The delay queue of signups waiting for a Forms retry.
    pub fn forms_retry_queue(&self) -> DelayQueue<'_> {
        DelayQueue {
            store: self,
            queue: self.keys.forms_retry_queue(),
        }
    }

    /// The lease that lets one process at a time sweep.
    pub fn sweep_lock(&self) -> Lock<'_> {
        Lock {
            store: self,
            key: self.keys.sweep_lock(),
        }
    }

    /// Where the sweep stands in the open signups.
    pub fn sweep_cursor(&self) -> SweepCursor<'_> {
        SweepCursor { store: self }
    }

    /// The launch's status read canary: during a launch, whoever takes it
    /// reads one send status for the next interval, across replicas.
    pub fn status_canary(&self) -> Lock<'_> {
        Lock {
            store: self,
            key: self.keys.status_canary(),
        }
    }

    /// Whether Redis answers and can serve the reactor.
    pub fn readiness(&self) -> Readiness<'_> {
        Readiness { store: self }
    }

    /// The heartbeats of `serve` processes.
    pub fn heartbeats(&self) -> Heartbeats<'_> {
        Heartbeats { store: self }
    }

    /// Read-only queries for `status`.
    pub fn status_reads(&self) -> StatusReads<'_> {
        StatusReads { store: self }
    }

    /// The Redis server's eviction and persistence settings.
    pub fn server_settings(&self) -> ServerSettings<'_> {
        ServerSettings { store: self }
    }

    /// The values of `keys` (one `MGET`; the keys must share a slot), in
    /// their order; nothing to ask for asks Redis nothing.
    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.connection();
        self.bounded(redis::cmd("MGET").arg(keys).query_async(&mut conn))
            .await
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
