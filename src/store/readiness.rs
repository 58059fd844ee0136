//! Whether the reactor can really work on this Redis: on a cluster every slot
//! is served, scripts load, and a write and a read round-trip on each hash tag
//! the reactor's scripts use. A single node's `PING` says much less.

use redis::AsyncCommands;

use super::{RedisStore, StoreError};

/// The hash tag of the signup keys; each event partition has its own too.
const SIGNUPS_TAG: &str = "signups";

/// How long a readiness probe key lives.
const PROBE_TTL_MS: u64 = 10_000;

/// A trivial script: loading it proves scripting works on every master.
const PROBE_SCRIPT: &str = "return 1";

/// Readiness of Redis for the reactor; see [`RedisStore::readiness`].
#[derive(Debug, Clone, Copy)]
pub struct Readiness<'a> {
    pub(super) store: &'a RedisStore,
}

impl Readiness<'_> {
    /// Checks that Redis answers at all (a `PING`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.store.connection();
        let reply: String = self
            .store
            .bounded(redis::cmd("PING").query_async(&mut conn))
            .await?;
        if reply == "PONG" {
            Ok(())
        } else {
            Err(StoreError::Unexpected(reply))
        }
    }

    /// Checks that Redis can serve the reactor (readiness).
    pub async fn probe(&self) -> Result<(), StoreError> {
        let mut conn = self.store.connection();
        if self.store.bounded(conn.is_cluster()).await? {
            let info: String = self
                .store
                .bounded(redis::cmd("CLUSTER").arg("INFO").query_async(&mut conn))
                .await?;
            if !info.lines().any(|line| line.trim() == "cluster_state:ok") {
                return Err(StoreError::Unexpected(
                    "the cluster is not ok (a slot is not served)".to_owned(),
                ));
            }
        }
        let _: String = self
            .store
            .bounded(
                redis::cmd("SCRIPT")
                    .arg("LOAD")
                    .arg(PROBE_SCRIPT)
                    .query_async(&mut conn),
            )
            .await?;
        let token = uuid::Uuid::new_v4().simple().to_string();
        // Every slot the reactor's scripts and queues live in: the signups'
        // and each event partition's (on a cluster, spread over the masters).
        let keys = &self.store.keys;
        let tags = std::iter::once(SIGNUPS_TAG.to_owned())
            .chain((0..keys.event_partitions()).map(|p| keys.event_tag(p)));
        for tag in tags {
            let key = self.store.keys.readiness_probe(&tag);
            let options =
                redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(PROBE_TTL_MS));
            let () = self
                .store
                .bounded(conn.set_options(&key, &token, options))
                .await?;
            let read: Option<String> = self.store.bounded(conn.get(&key)).await?;
            if read.as_deref() != Some(token.as_str()) {
                return Err(StoreError::Unexpected(format!(
                    "the readiness probe in {{{tag}}} did not read back"
                )));
            }
        }
        Ok(())
    }
}
