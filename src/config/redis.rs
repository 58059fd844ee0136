//! Where Redis is, as the command line and the environment give it: shared by
//! `serve` and the operator commands, parsed into the store's
//! [`RedisSettings`].

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::error::ConfigError;
use super::setting::setting;
use super::values::{number_in, positive_duration};
use crate::store::{ClusterMode, MAX_EVENT_PARTITIONS, RedisSettings, redis_nodes};

/// Where Redis is: shared by `serve` and the operator commands.
#[derive(Debug, Clone, clap::Args)]
pub struct RedisArgs {
    /// Redis URL (redis://, rediss:// or unix://), or the comma-separated seed
    /// nodes of a Redis Cluster (redis://h1:p1,redis://h2:p2).
    // Its value may carry a password: `--help` never shows it.
    #[arg(
        long,
        env = "REDIS_URL",
        hide_env_values = true,
        default_value = "redis://127.0.0.1:6379",
        value_parser = setting(redis_url)
    )]
    pub redis_url: SecretString,

    /// `auto` (ask the server), `true` (Redis Cluster) or `false` (one node).
    #[arg(long, env = "REDIS_CLUSTER", default_value = "auto", value_parser = setting(cluster_mode))]
    pub redis_cluster: ClusterMode,

    /// Prefix of every Redis key the reactor writes.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "sr:", value_parser = setting(key_prefix))]
    pub redis_key_prefix: String,

    /// Time limit of one Redis command; past it a webhook gets 503 (HubSpot retries).
    #[arg(long, env = "REDIS_COMMAND_TIMEOUT", default_value = "2s", value_parser = setting(positive_duration))]
    pub redis_command_timeout: Duration,

    /// Streams the recorded events are spread over, by contact id (1 to 1024).
    #[arg(
        long,
        env = "EVENT_STREAM_PARTITIONS",
        default_value = "8",
        value_parser = setting(|raw| number_in(raw, 1..=MAX_EVENT_PARTITIONS))
    )]
    pub event_stream_partitions: u16,
}

impl RedisArgs {
    /// The store's settings; several nodes need a cluster (also used by the
    /// ops commands).
    pub fn settings(&self) -> Result<RedisSettings, ConfigError> {
        let nodes = redis_nodes(self.redis_url.expose_secret());
        if self.redis_cluster == ClusterMode::Off && nodes.len() > 1 {
            return Err(ConfigError::invalid(
                "REDIS_URL",
                "several nodes are given but REDIS_CLUSTER=false",
            ));
        }
        Ok(RedisSettings {
            url: self.redis_url.clone(),
            cluster: self.redis_cluster,
            key_prefix: self.redis_key_prefix.clone(),
            command_timeout: self.redis_command_timeout,
            event_partitions: self.event_stream_partitions,
        })
    }
}

/// One Redis URL or a cluster's seed nodes, without the blanks around it.
fn redis_url(raw: &str) -> Result<SecretString, String> {
    let url = raw.trim();
    let nodes = redis_nodes(url);
    if nodes.is_empty() || !nodes.iter().all(|node| is_redis_url(node)) {
        return Err("expected redis://host:port[/db], or cluster seed nodes \
                    redis://h1:p1,redis://h2:p2 (rediss:// for TLS)"
            .to_owned());
    }
    Ok(SecretString::from(url.to_owned()))
}

fn is_redis_url(node: &str) -> bool {
    let scheme_ok = ["redis://", "rediss://", "unix://", "redis+unix://"]
        .iter()
        .any(|scheme| node.starts_with(scheme));
    scheme_ok && redis::Client::open(node).is_ok()
}

fn cluster_mode(raw: &str) -> Result<ClusterMode, String> {
    match raw.trim() {
        "auto" => Ok(ClusterMode::Auto),
        "true" => Ok(ClusterMode::On),
        "false" => Ok(ClusterMode::Off),
        _ => Err("expected `auto`, `true` or `false`".to_owned()),
    }
}

/// Taken as given: braces would make it a hash tag.
fn key_prefix(raw: &str) -> Result<String, String> {
    if raw
        .chars()
        .any(|c| c.is_whitespace() || c == '{' || c == '}')
    {
        return Err("must not contain whitespace or braces (braces mark hash tags)".to_owned());
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
#[path = "redis_tests.rs"]
mod tests;
