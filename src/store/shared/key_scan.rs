//! Keys under the prefix on every master. `SCAN` walks one node's keyspace,
//! so on a cluster it runs on each master in turn; each key is then deleted
//! on its own (a multi-key `DEL` must not span slots).

use url::Url;

use crate::store::{RedisStore, StoreError};

/// Keys asked for per `SCAN` step.
const SCAN_COUNT: usize = 1000;

impl RedisStore {
    /// Deletes every key under the prefix, on every master; returns how many.
    pub async fn delete_prefixed_keys(&self) -> Result<usize, StoreError> {
        let pattern = format!("{}*", self.keys.prefix());
        let mut deleted = 0;
        for url in self.master_urls().await? {
            let client = redis::Client::open(url.as_str())?;
            let mut conn = self
                .bounded(client.get_multiplexed_async_connection())
                .await?;
            let mut cursor: u64 = 0;
            loop {
                let (next, keys): (u64, Vec<String>) = self
                    .bounded(
                        redis::cmd("SCAN")
                            .arg(cursor)
                            .arg("MATCH")
                            .arg(&pattern)
                            .arg("COUNT")
                            .arg(SCAN_COUNT)
                            .query_async(&mut conn),
                    )
                    .await?;
                if !keys.is_empty() {
                    let mut pipe = redis::pipe();
                    for key in &keys {
                        pipe.cmd("UNLINK").arg(key);
                    }
                    let removed: Vec<usize> = self.bounded(pipe.query_async(&mut conn)).await?;
                    deleted += removed.iter().sum::<usize>();
                }
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        Ok(deleted)
    }

    /// The URL of each master: the one node, or every master the cluster
    /// reports (`CLUSTER SLOTS`), with the seed URL's scheme and credentials.
    pub(in crate::store) async fn master_urls(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.connection();
        let seed = conn.seed().to_owned();
        if !self.bounded(conn.is_cluster()).await? {
            return Ok(vec![seed]);
        }
        let ranges: Vec<redis::Value> = self
            .bounded(redis::cmd("CLUSTER").arg("SLOTS").query_async(&mut conn))
            .await?;
        let seed = Url::parse(&seed).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        let mut urls: Vec<String> = ranges
            .iter()
            .filter_map(master_address)
            .filter_map(|(host, port)| {
                let mut url = seed.clone();
                url.set_host(Some(&host)).ok()?;
                url.set_port(Some(port)).ok()?;
                Some(url.to_string())
            })
            .collect();
        urls.sort();
        urls.dedup();
        Ok(urls)
    }
}

/// The master's host and port in one `CLUSTER SLOTS` range.
pub(in crate::store) fn master_address(range: &redis::Value) -> Option<(String, u16)> {
    let redis::Value::Array(items) = range else {
        return None;
    };
    let redis::Value::Array(master) = items.get(2)? else {
        return None;
    };
    let host = match master.first()? {
        redis::Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        redis::Value::SimpleString(text) => text.clone(),
        _ => return None,
    };
    let port = match master.get(1)? {
        redis::Value::Int(port) => u16::try_from(*port).ok()?,
        _ => return None,
    };
    Some((host, port))
}
