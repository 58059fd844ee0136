//! Leases that expire by themselves: one process at a time does a periodic
//! job (the sweep, the launch's status read) without any process having to
//! release it; a send cooldown is one too.

use std::time::Duration;

use redis::AsyncCommands;

use crate::clock::millis;
use crate::store::{RedisStore, StoreError};

/// One named lease; see [`RedisStore::sweep_lock`].
#[derive(Debug, Clone)]
pub struct Lock<'a> {
    pub(in crate::store) store: &'a RedisStore,
    pub(in crate::store) key: String,
}

impl RedisStore {
    /// The lease that lets one process at a time sweep.
    pub fn sweep_lock(&self) -> Lock<'_> {
        Lock {
            store: self,
            key: self.keys.sweep_lock(),
        }
    }

    /// The launch's status read canary: during a launch, whoever takes it
    /// reads one send status for the next interval, across replicas.
    pub fn status_canary(&self) -> Lock<'_> {
        Lock {
            store: self,
            key: self.keys.status_canary(),
        }
    }
}

impl Lock<'_> {
    /// Takes the lock for `owner` until `ttl` has passed; false when another holds it.
    pub async fn try_take(&self, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let mut conn = self.store.connection();
        let set: Option<String> = self
            .store
            .bounded(conn.set_options(&self.key, owner, options))
            .await?;
        Ok(set.is_some())
    }
}
