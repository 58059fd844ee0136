//! The demo's footprint in Redis: check that Redis answers before anything
//! starts, and delete every key under the demo's prefix at the end.

use std::time::Duration;

use anyhow::{Context, anyhow};

/// How long Redis gets to answer the first `PING`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// A fresh key prefix for one run (no braces or spaces, no glob characters).
pub fn fresh_prefix() -> String {
    format!("sr-demo:{}:", uuid::Uuid::new_v4().simple())
}

/// `url` with any password replaced, fit for a message.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "(unparsable REDIS_URL)".to_owned(),
    }
}

/// Connects and `PING`s, or explains how to get a Redis.
pub async fn check_reachable(url: &str) -> anyhow::Result<redis::Client> {
    let client = redis::Client::open(url)
        .with_context(|| format!("REDIS_URL {} is not a Redis URL", redacted(url)))?;
    let ping = async {
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    let outcome = tokio::time::timeout(CONNECT_TIMEOUT, ping).await;
    let error = match outcome {
        Ok(Ok(_)) => return Ok(client),
        Ok(Err(error)) => error.to_string(),
        Err(_) => format!("no answer within {CONNECT_TIMEOUT:?}"),
    };
    Err(anyhow!(
        "cannot reach Redis at {} ({error}). The demo needs a Redis: start one with \
         `redis-server --daemonize yes` or `docker run -p 6379:6379 redis:7`, \
         or point REDIS_URL at one",
        redacted(url)
    ))
}

/// Deletes every key under `prefix`; returns how many there were.
pub async fn delete_prefix(client: &redis::Client, prefix: &str) -> anyhow::Result<usize> {
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .context("connecting to Redis to clean up")?;
    let pattern = format!("{prefix}*");
    let mut cursor: u64 = 0;
    let mut deleted = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut conn)
            .await
            .context("scanning the demo's keys")?;
        if !keys.is_empty() {
            let removed: usize = redis::cmd("DEL")
                .arg(&keys)
                .query_async(&mut conn)
                .await
                .context("deleting the demo's keys")?;
            deleted += removed;
        }
        if next == 0 {
            return Ok(deleted);
        }
        cursor = next;
    }
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
            redacted("redis://:hunter2@db:6379/0"),
            "redis://:***@db:6379/0"
        );
        assert_eq!(redacted("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }
}
