//! The demo's footprint in Redis: check that Redis answers before anything
//! starts, and delete every key under the demo's prefix at the end (on every
//! master of a cluster).

use std::time::Duration;

use anyhow::{Context, anyhow};
use secrecy::SecretString;

use crate::store::{ClusterMode, RedisSettings, RedisStore, redacted_url};

/// How long Redis gets to answer the first `PING`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// A fresh key prefix for one run (no braces or spaces, no glob characters).
pub fn fresh_prefix() -> String {
    format!("sr-demo:{}:", uuid::Uuid::new_v4().simple())
}

/// A store on `url` (one node, or a cluster's seed nodes) under `prefix`,
/// once it answers `PING`; or an explanation of how to get a Redis.
pub async fn check_reachable(url: &str, prefix: &str) -> anyhow::Result<RedisStore> {
    let settings = RedisSettings {
        url: SecretString::from(url.trim().to_owned()),
        cluster: ClusterMode::Auto,
        key_prefix: prefix.to_owned(),
        command_timeout: CONNECT_TIMEOUT,
        event_partitions: 1,
    };
    let store = RedisStore::connect(&settings)
        .with_context(|| format!("REDIS_URL {} is not a Redis URL", redacted_url(url)))?;
    let error = match store.readiness().ping().await {
        Ok(()) => return Ok(store),
        Err(crate::store::StoreError::Redis(error)) => error.to_string(),
        Err(error) => error.to_string(),
    };
    Err(anyhow!(
        "cannot reach Redis at {} ({error}). The demo needs a Redis: start one with \
         `redis-server --daemonize yes` or `docker run -p 6379:6379 redis:7`, \
         or point REDIS_URL at one",
        redacted_url(url)
    ))
}

/// Deletes every key under the store's prefix, on every master of a
/// cluster; returns how many there were.
pub async fn delete_prefix(store: &RedisStore) -> anyhow::Result<usize> {
    store
        .delete_prefixed_keys()
        .await
        .context("deleting the demo's keys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_fresh_and_passwords_hidden() {
        assert_ne!(fresh_prefix(), fresh_prefix());
        assert!(
            fresh_prefix()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
        );
        assert_eq!(
            redacted_url("redis://:hunter2@db:6379/0"),
            "redis://***@db:6379/0"
        );
        assert_eq!(
            redacted_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
    }
}
