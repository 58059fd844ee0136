//! Whether the reactor can really work on this Redis: on a cluster every slot
//! is served, scripts load on every master, and a write and a read round-trip
//! on each master that holds one of the hash tags the reactor's scripts use.
//! A single node's `PING` says much less.
//!
//! The probe's cost does not grow with `EVENT_STREAM_PARTITIONS`: the tags
//! are grouped by the master that serves them (one write and one read each).

use std::collections::BTreeMap;

use redis::AsyncCommands;

use super::key_scan::master_address;
use crate::store::{RedisStore, StoreError};

/// The hash tag of the signup keys; each event partition has its own too.
const SIGNUPS_TAG: &str = "signups";

/// How long a readiness probe key lives.
const PROBE_TTL_MS: u64 = 10_000;

/// A trivial script: loading it proves scripting works on every master.
const PROBE_SCRIPT: &str = "return 1";

/// Slots of Redis Cluster.
const CLUSTER_SLOTS: u16 = 16_384;

/// Readiness of Redis for the reactor; see [`RedisStore::readiness`].
#[derive(Debug, Clone, Copy)]
pub struct Readiness<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// Whether Redis answers and can serve the reactor.
    pub fn readiness(&self) -> Readiness<'_> {
        Readiness { store: self }
    }
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

    /// Checks that Redis can serve the reactor (readiness): a handful of
    /// commands on one node; on a cluster, a few plus two per master.
    pub async fn probe(&self) -> Result<(), StoreError> {
        let mut conn = self.store.connection();
        let cluster = self.store.bounded(conn.is_cluster()).await?;
        if cluster {
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
        let tags = if cluster {
            self.one_tag_per_master().await?
        } else {
            vec![SIGNUPS_TAG.to_owned()]
        };
        let token = uuid::Uuid::new_v4().simple().to_string();
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

    /// Of the tags the reactor writes (the signups' and each event
    /// partition's), one per master serving any of them (`CLUSTER SLOTS`).
    async fn one_tag_per_master(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.store.connection();
        let ranges: Vec<redis::Value> = self
            .store
            .bounded(redis::cmd("CLUSTER").arg("SLOTS").query_async(&mut conn))
            .await?;
        let ranges: Vec<(u16, u16, (String, u16))> = ranges.iter().filter_map(slot_range).collect();
        let keys = &self.store.keys;
        let tags = std::iter::once(SIGNUPS_TAG.to_owned())
            .chain((0..keys.event_partitions()).map(|p| keys.event_tag(p)));
        let mut by_master: BTreeMap<(String, u16), String> = BTreeMap::new();
        for tag in tags {
            let slot = key_slot(tag.as_bytes());
            let Some((_, _, master)) = ranges
                .iter()
                .find(|(start, end, _)| (*start..=*end).contains(&slot))
            else {
                return Err(StoreError::Unexpected(format!(
                    "no master serves slot {slot} ({{{tag}}})"
                )));
            };
            by_master.entry(master.clone()).or_insert(tag);
        }
        Ok(by_master.into_values().collect())
    }
}

/// One `CLUSTER SLOTS` range: first and last slot, and its master.
fn slot_range(range: &redis::Value) -> Option<(u16, u16, (String, u16))> {
    let redis::Value::Array(items) = range else {
        return None;
    };
    let slot = |value: Option<&redis::Value>| match value {
        Some(redis::Value::Int(n)) => u16::try_from(*n).ok(),
        _ => None,
    };
    Some((
        slot(items.first())?,
        slot(items.get(1))?,
        master_address(range)?,
    ))
}

/// The cluster slot of a hash tag's content (CRC16/XMODEM modulo 16384, as
/// Redis computes it).
fn key_slot(tag: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for byte in tag {
        crc ^= u16::from(*byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc % CLUSTER_SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_slots_match_redis() {
        // Values from `CLUSTER KEYSLOT`.
        assert_eq!(key_slot(b"123456789"), 12_739);
        assert_eq!(key_slot(b"foo"), 12_182);
        assert_eq!(key_slot(b"events"), key_slot(b"events"));
    }
}
