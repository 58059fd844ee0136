//! One connection for the whole store, over a single Redis node or a Redis
//! Cluster: every store operation runs the same commands, scripts and
//! single-slot pipelines through it, whichever it is.
//!
//! The connection is made on first use (the reactor starts, and reports not
//! ready, while Redis is down). With `REDIS_CLUSTER=auto` the first seed node
//! is asked whether it runs in cluster mode.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, RedisResult, Value};
use tokio::sync::OnceCell;

use super::settings::{ClusterMode, RedisSettings};

/// The two connection kinds, resolved.
#[derive(Clone)]
enum Resolved {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

/// A cheap-to-clone handle that speaks to a node or a cluster.
#[derive(Clone)]
pub struct RedisConnection {
    nodes: Arc<Vec<String>>,
    mode: ClusterMode,
    timeout: Duration,
    /// How long a reply may take (the command timeout, unless the connection
    /// is dedicated to blocking commands).
    response_timeout: Duration,
    resolved: Arc<OnceCell<Resolved>>,
}

impl RedisConnection {
    /// Prepares a connection to `settings`' nodes without touching the network.
    pub fn new(settings: &RedisSettings) -> RedisResult<Self> {
        let nodes = settings.nodes();
        for node in &nodes {
            redis::Client::open(node.as_str())?;
        }
        Ok(Self {
            nodes: Arc::new(nodes),
            mode: settings.cluster,
            timeout: settings.command_timeout,
            response_timeout: settings.command_timeout,
            resolved: Arc::new(OnceCell::new()),
        })
    }

    /// A connection of its own to the same nodes, for blocking commands
    /// (`XREADGROUP ... BLOCK`): a blocked command holds up every command
    /// behind it on a multiplexed connection, so it must never run on the
    /// shared one. Replies may take up to `response_timeout`.
    pub fn dedicated(&self, response_timeout: Duration) -> Self {
        Self {
            nodes: self.nodes.clone(),
            mode: self.mode,
            timeout: self.timeout,
            response_timeout,
            resolved: Arc::new(OnceCell::new()),
        }
    }

    /// Whether the connection speaks to a cluster (connecting if need be).
    pub async fn is_cluster(&self) -> RedisResult<bool> {
        Ok(matches!(self.resolve().await?, Resolved::Cluster(_)))
    }

    async fn resolve(&self) -> RedisResult<&Resolved> {
        self.resolved.get_or_try_init(|| self.connect()).await
    }

    async fn connect(&self) -> RedisResult<Resolved> {
        let cluster = match self.mode {
            ClusterMode::On => true,
            ClusterMode::Off => false,
            ClusterMode::Auto => self.server_is_clustered().await?,
        };
        if cluster {
            let client = ClusterClient::builder(self.nodes.iter().map(String::as_str))
                .connection_timeout(self.timeout)
                .response_timeout(self.response_timeout)
                .retries(2)
                .build()?;
            Ok(Resolved::Cluster(client.get_async_connection().await?))
        } else {
            let client = redis::Client::open(self.first_node())?;
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.timeout))
                .set_response_timeout(Some(self.response_timeout))
                .set_number_of_retries(1)
                .set_max_delay(Duration::from_millis(500));
            Ok(Resolved::Single(
                ConnectionManager::new_with_config(client, config).await?,
            ))
        }
    }

    /// The first seed node's URL.
    pub fn seed(&self) -> &str {
        self.first_node()
    }

    fn first_node(&self) -> &str {
        self.nodes.first().map(String::as_str).unwrap_or_default()
    }

    /// `INFO cluster` on the first seed node: `cluster_enabled:1`?
    async fn server_is_clustered(&self) -> RedisResult<bool> {
        let client = redis::Client::open(self.first_node())?;
        let mut conn =
            tokio::time::timeout(self.timeout, client.get_multiplexed_async_connection())
                .await
                .map_err(|_| timed_out())??;
        let info: String = redis::cmd("INFO")
            .arg("cluster")
            .query_async(&mut conn)
            .await?;
        Ok(info.lines().any(|line| line.trim() == "cluster_enabled:1"))
    }
}

fn timed_out() -> redis::RedisError {
    redis::RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "connecting to Redis timed out",
    ))
}

impl ConnectionLike for RedisConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            match self.resolve().await?.clone() {
                Resolved::Single(mut conn) => conn.req_packed_command(cmd).await,
                Resolved::Cluster(mut conn) => conn.req_packed_command(cmd).await,
            }
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            match self.resolve().await?.clone() {
                Resolved::Single(mut conn) => {
                    conn.req_packed_commands(pipeline, offset, count).await
                }
                Resolved::Cluster(mut conn) => {
                    conn.req_packed_commands(pipeline, offset, count).await
                }
            }
        })
    }

    fn get_db(&self) -> i64 {
        match self.resolved.get() {
            Some(Resolved::Single(conn)) => conn.get_db(),
            _ => 0,
        }
    }
}
