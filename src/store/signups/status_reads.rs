//! Read-only queries for `status`: depths, oldest members, stream partitions,
//! dead letters and a bounded sample of the dedupe markers. Nothing here
//! writes, and nothing walks a whole keyspace (no `KEYS`, no `DBSIZE`).

use std::collections::BTreeMap;

use crate::domain::SignupRecord;
use crate::store::{RedisStore, StoreError};

/// `SCAN` steps per master when sampling keys, and keys asked per step.
const SAMPLE_STEPS: usize = 20;
const SAMPLE_COUNT: usize = 500;

/// One partition of the event stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartitionDepth {
    pub length: u64,
    /// Delivered to a consumer, not yet acknowledged.
    pub pending: u64,
    /// Entries not yet delivered to the group (`None` without the group, or
    /// when Redis cannot tell).
    pub lag: Option<u64>,
}

/// What a bounded `SCAN` of one master saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeySample {
    /// Keys the sample looked at.
    pub seen: u64,
    /// Of those, dedupe markers under the prefix.
    pub markers: u64,
    /// Whether the scan went through the whole keyspace (then `markers` is exact).
    pub complete: bool,
    /// Keys of the master's database, from `INFO keyspace`.
    pub keys_in_db: u64,
}

/// Read-only status queries; see [`RedisStore::status_reads`].
#[derive(Debug, Clone, Copy)]
pub struct StatusReads<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// Read-only queries for `status`.
    pub fn status_reads(&self) -> StatusReads<'_> {
        StatusReads { store: self }
    }
}

impl StatusReads<'_> {
    /// Whether the store speaks to a Redis Cluster.
    pub async fn is_cluster(&self) -> Result<bool, StoreError> {
        let conn = self.store.connection();
        self.store.bounded(conn.is_cluster()).await
    }

    /// Members of a sorted set, and its lowest score (the oldest or
    /// earliest due), if any.
    pub async fn sorted_set(&self, key: &str) -> Result<(u64, Option<u64>), StoreError> {
        let mut conn = self.store.connection();
        let count: u64 = self
            .store
            .bounded(redis::cmd("ZCARD").arg(key).query_async(&mut conn))
            .await?;
        let first: Vec<(String, f64)> = self
            .store
            .bounded(
                redis::cmd("ZRANGE")
                    .arg(key)
                    .arg(0)
                    .arg(0)
                    .arg("WITHSCORES")
                    .query_async(&mut conn),
            )
            .await?;
        Ok((count, first.first().map(|(_, score)| *score as u64)))
    }

    /// The statuses of the `limit` oldest open signups, counted.
    pub async fn open_signup_statuses(
        &self,
        limit: usize,
    ) -> Result<BTreeMap<String, u64>, StoreError> {
        let keys = &self.store.keys;
        let mut conn = self.store.connection();
        let ids: Vec<String> = self
            .store
            .bounded(
                redis::cmd("ZRANGE")
                    .arg(keys.signups_open())
                    .arg(0)
                    .arg(limit.saturating_sub(1))
                    .query_async(&mut conn),
            )
            .await?;
        let signup_keys: Vec<String> = ids.iter().map(|id| keys.signup(id)).collect();
        let mut counts = BTreeMap::new();
        for raw in self.store.get_many(&signup_keys).await? {
            let status = match raw.as_deref().map(SignupRecord::decode) {
                Some(Ok(record)) => record.status.as_str().to_owned(),
                Some(Err(_)) => "unreadable".to_owned(),
                None => "expired".to_owned(),
            };
            *counts.entry(status).or_insert(0) += 1;
        }
        Ok(counts)
    }

    /// Length, pending entries and group lag of one event partition.
    pub async fn partition(
        &self,
        partition: u16,
        group: &str,
    ) -> Result<PartitionDepth, StoreError> {
        let stream = self.store.keys.event_stream(partition);
        let mut conn = self.store.connection();
        let length: u64 = self
            .store
            .bounded(redis::cmd("XLEN").arg(&stream).query_async(&mut conn))
            .await?;
        if length == 0 {
            return Ok(PartitionDepth::default());
        }
        // A stream without the group (or no stream) answers an error: no group yet.
        let groups: Vec<BTreeMap<String, redis::Value>> = self
            .store
            .bounded(
                redis::cmd("XINFO")
                    .arg("GROUPS")
                    .arg(&stream)
                    .query_async(&mut conn),
            )
            .await
            .unwrap_or_default();
        let ours = groups.iter().find(|fields| {
            matches!(fields.get("name"), Some(redis::Value::BulkString(name)) if name == group.as_bytes())
        });
        let int = |name: &str| match ours.and_then(|fields| fields.get(name)) {
            Some(redis::Value::Int(n)) => u64::try_from(*n).ok(),
            _ => None,
        };
        Ok(PartitionDepth {
            length,
            pending: int("pending").unwrap_or(0),
            lag: int("lag"),
        })
    }

    /// Entries of the dead-letter stream, and the newest one's reason.
    pub async fn dead_letters(&self) -> Result<(u64, Option<String>), StoreError> {
        let key = self.store.keys.dead_letters();
        let mut conn = self.store.connection();
        let count: u64 = self
            .store
            .bounded(redis::cmd("XLEN").arg(&key).query_async(&mut conn))
            .await?;
        let newest: redis::streams::StreamRangeReply = self
            .store
            .bounded(
                redis::cmd("XREVRANGE")
                    .arg(&key)
                    .arg("+")
                    .arg("-")
                    .arg("COUNT")
                    .arg(1)
                    .query_async(&mut conn),
            )
            .await?;
        let reason = newest
            .ids
            .first()
            .and_then(|entry| entry.get::<String>("reason"));
        Ok((count, reason))
    }

    /// A bounded `SCAN` of each master, counting the dedupe markers among
    /// the keys seen.
    pub async fn marker_samples(&self) -> Result<Vec<KeySample>, StoreError> {
        let prefix = self.store.keys.prefix().to_owned();
        let mut samples = Vec::new();
        for url in self.store.master_urls().await? {
            let client = redis::Client::open(url.as_str())?;
            let mut conn = self
                .store
                .bounded(client.get_multiplexed_async_connection())
                .await?;
            let mut sample = KeySample::default();
            let mut cursor: u64 = 0;
            for _ in 0..SAMPLE_STEPS {
                let (next, keys): (u64, Vec<String>) = self
                    .store
                    .bounded(
                        redis::cmd("SCAN")
                            .arg(cursor)
                            .arg("COUNT")
                            .arg(SAMPLE_COUNT)
                            .query_async(&mut conn),
                    )
                    .await?;
                sample.seen += keys.len() as u64;
                sample.markers += keys.iter().filter(|k| is_marker(k, &prefix)).count() as u64;
                cursor = next;
                if cursor == 0 {
                    sample.complete = true;
                    break;
                }
            }
            let info: String = self
                .store
                .bounded(redis::cmd("INFO").arg("keyspace").query_async(&mut conn))
                .await?;
            sample.keys_in_db = keys_in_db0(&info);
            samples.push(sample);
        }
        Ok(samples)
    }
}

/// Whether `key` is a dedupe marker under `prefix` (`prefix{events...}:s:...`).
fn is_marker(key: &str, prefix: &str) -> bool {
    key.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix("{events"))
        .is_some_and(|rest| rest.contains("}:s:"))
}

/// `keys=` of `db0` in `INFO keyspace`.
fn keys_in_db0(info: &str) -> u64 {
    info.lines()
        .find_map(|line| line.trim().strip_prefix("db0:"))
        .and_then(|fields| fields.split(',').find_map(|f| f.strip_prefix("keys=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_keyspace_lines_are_recognised() {
        assert!(is_marker("sr:{events}:s:abc", "sr:"));
        assert!(is_marker("sr:{events:3}:s:abc", "sr:"));
        assert!(!is_marker("sr:{events}:stream", "sr:"));
        assert!(!is_marker("other:{events}:s:abc", "sr:"));
        assert_eq!(
            keys_in_db0("# Keyspace\r\ndb0:keys=42,expires=40,avg_ttl=1\r\n"),
            42
        );
        assert_eq!(keys_in_db0("# Keyspace\r\n"), 0);
    }
}
