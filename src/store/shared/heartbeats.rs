//! Heartbeats of `serve` processes: each keeps a short-lived key saying what
//! it runs (role, version, start time), listed in one index, so that
//! `status` shows the processes seen recently without scanning.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::store::{RedisStore, StoreError};

/// How long index members stay after their last beat.
const INDEX_KEEPS_MS: u64 = 3_600_000;

/// What a process says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    pub process_id: String,
    /// `receiver`, `worker` or `all`.
    pub role: String,
    pub version: String,
    /// The host (pod) name, when the environment gives one.
    #[serde(default)]
    pub host: Option<String>,
    /// When the process started (ms).
    pub started_at: u64,
    /// Its latest beat (ms).
    pub beat_at: u64,
}

/// The heartbeat keys; see [`RedisStore::heartbeats`].
#[derive(Debug, Clone, Copy)]
pub struct Heartbeats<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The heartbeats of `serve` processes.
    pub fn heartbeats(&self) -> Heartbeats<'_> {
        Heartbeats { store: self }
    }
}

impl Heartbeats<'_> {
    /// Writes the process's heartbeat, living `ttl`, and lists it in the index.
    pub async fn beat(&self, beat: &Heartbeat, ttl: Duration) -> Result<(), StoreError> {
        let keys = &self.store.keys;
        let json = serde_json::to_string(beat)
            .map_err(|e| StoreError::Unexpected(format!("heartbeat: {e}")))?;
        let ttl_ms = crate::clock::millis(ttl).max(1);
        let index = keys.heartbeats();
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(keys.heartbeat(&beat.process_id))
            .arg(json)
            .arg("PX")
            .arg(ttl_ms)
            .ignore()
            .cmd("ZADD")
            .arg(&index)
            .arg(beat.beat_at)
            .arg(&beat.process_id)
            .ignore()
            .cmd("ZREMRANGEBYSCORE")
            .arg(&index)
            .arg("-inf")
            .arg(format!("({}", beat.beat_at.saturating_sub(INDEX_KEEPS_MS)))
            .ignore()
            .cmd("PEXPIRE")
            .arg(&index)
            .arg(INDEX_KEEPS_MS)
            .ignore();
        let mut conn = self.store.connection();
        self.store.bounded(pipe.query_async(&mut conn)).await
    }

    /// Removes the process's heartbeat (a clean shutdown).
    pub async fn remove(&self, process_id: &str) -> Result<(), StoreError> {
        let keys = &self.store.keys;
        let mut pipe = redis::pipe();
        pipe.cmd("DEL")
            .arg(keys.heartbeat(process_id))
            .ignore()
            .cmd("ZREM")
            .arg(keys.heartbeats())
            .arg(process_id)
            .ignore();
        let mut conn = self.store.connection();
        self.store.bounded(pipe.query_async(&mut conn)).await
    }

    /// The processes whose heartbeat key still lives (read only).
    pub async fn alive(&self) -> Result<Vec<Heartbeat>, StoreError> {
        let keys = &self.store.keys;
        let mut conn = self.store.connection();
        let ids: Vec<String> = self
            .store
            .bounded(
                redis::cmd("ZRANGE")
                    .arg(keys.heartbeats())
                    .arg(0)
                    .arg(-1)
                    .query_async(&mut conn),
            )
            .await?;
        let beat_keys: Vec<String> = ids.iter().map(|id| keys.heartbeat(id)).collect();
        let values = self.store.get_many(&beat_keys).await?;
        Ok(values
            .into_iter()
            .flatten()
            .filter_map(|raw| serde_json::from_str(&raw).ok())
            .collect())
    }
}
