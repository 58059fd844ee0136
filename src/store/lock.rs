//! Leases that expire by themselves: one process at a time does a periodic
//! job (the sweep, the launch's status read) without any process having to
//! release it; a send cooldown is one too.

use std::time::Duration;

use redis::AsyncCommands;

use super::{RedisStore, StoreError};
use crate::clock::millis;

/// One named lease; see [`RedisStore::sweep_lock`].
#[derive(Debug, Clone)]
pub struct Lock<'a> {
    pub(super) store: &'a RedisStore,
    pub(super) key: String,
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
