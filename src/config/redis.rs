//! Where Redis is: one node or the seed nodes of a Redis Cluster, and how the
//! reactor names its keys there. Shared by `serve` and the operator commands.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::parse::{parse_number, positive_duration};
use super::{ConfigError, RedisArgs};

/// Whether Redis is a cluster (`REDIS_CLUSTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterMode {
    /// Asked of the first node at the first connection (`INFO cluster`).
    Auto,
    /// A Redis Cluster, whatever the node says.
    On,
    /// One node (or a proxy that hides the cluster).
    Off,
}

/// Where Redis is and how the reactor names its keys there.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// `REDIS_URL` as given: one URL, or seed nodes separated by commas. A
    /// secret, since it may carry a password; [`Self::display_url`] is the
    /// form fit for logs and messages.
    pub url: SecretString,
    pub cluster: ClusterMode,
    pub key_prefix: String,
    pub command_timeout: Duration,
    /// How many streams the recorded events are spread over
    /// (`EVENT_STREAM_PARTITIONS`): each is its own hash tag, so on a cluster
    /// ingest and consumption spread over the masters.
    pub event_partitions: u16,
}

/// Most event stream partitions accepted: far more masters than any cluster
/// the reactor would run on, few enough for every consumer to visit them all.
pub const MAX_EVENT_PARTITIONS: u16 = 1024;

impl RedisSettings {
    /// Parses the Redis part of the settings (also used by the ops commands).
    pub fn from_args(args: &RedisArgs) -> Result<Self, ConfigError> {
        let url = args.redis_url.trim().to_owned();
        let nodes = split_nodes(&url);
        if nodes.is_empty() || !nodes.iter().all(|node| is_redis_url(node)) {
            return Err(ConfigError::invalid(
                "REDIS_URL",
                "expected redis://host:port[/db], or cluster seed nodes \
                 redis://h1:p1,redis://h2:p2 (rediss:// for TLS)",
            ));
        }
        let cluster = match args.redis_cluster.trim() {
            "auto" => ClusterMode::Auto,
            "true" => ClusterMode::On,
            "false" => ClusterMode::Off,
            _ => {
                return Err(ConfigError::invalid(
                    "REDIS_CLUSTER",
                    "expected `auto`, `true` or `false`",
                ));
            }
        };
        if cluster == ClusterMode::Off && nodes.len() > 1 {
            return Err(ConfigError::invalid(
                "REDIS_URL",
                "several nodes are given but REDIS_CLUSTER=false",
            ));
        }
        let key_prefix = args.redis_key_prefix.clone();
        if key_prefix
            .chars()
            .any(|c| c.is_whitespace() || c == '{' || c == '}')
        {
            return Err(ConfigError::invalid(
                "REDIS_KEY_PREFIX",
                "must not contain whitespace or braces (braces mark hash tags)",
            ));
        }
        let command_timeout =
            positive_duration("REDIS_COMMAND_TIMEOUT", &args.redis_command_timeout)?;
        let event_partitions: u16 =
            parse_number("EVENT_STREAM_PARTITIONS", &args.event_stream_partitions)?;
        if !(1..=MAX_EVENT_PARTITIONS).contains(&event_partitions) {
            return Err(ConfigError::invalid(
                "EVENT_STREAM_PARTITIONS",
                "expected 1 to 1024",
            ));
        }
        Ok(Self {
            url: SecretString::from(url),
            cluster,
            key_prefix,
            command_timeout,
            event_partitions,
        })
    }

    /// The node URLs: one, or the cluster's seed nodes.
    pub fn nodes(&self) -> Vec<String> {
        split_nodes(self.url.expose_secret())
    }

    /// `REDIS_URL` with any credentials replaced by `***`: what logs and
    /// operator messages may show.
    pub fn display_url(&self) -> String {
        redacted_url(self.url.expose_secret())
    }
}

/// A `REDIS_URL` (one URL or seed nodes) with any credentials replaced by
/// `***`, fit for logs and messages.
pub fn redacted_url(url: &str) -> String {
    split_nodes(url)
        .iter()
        .map(|node| redact_credentials(node))
        .collect::<Vec<_>>()
        .join(",")
}

/// `scheme://user:pass@host…` as `scheme://***@host…`; other URLs unchanged.
fn redact_credentials(node: &str) -> String {
    let Some((scheme, rest)) = node.split_once("://") else {
        return node.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => node.to_owned(),
    }
}

fn split_nodes(url: &str) -> Vec<String> {
    url.split(',')
        .map(str::trim)
        .filter(|node| !node.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_redis_url(node: &str) -> bool {
    let scheme_ok = ["redis://", "rediss://", "unix://", "redis+unix://"]
        .iter()
        .any(|scheme| node.starts_with(scheme));
    scheme_ok && redis::Client::open(node).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(url: &str, cluster: &str) -> RedisArgs {
        RedisArgs {
            redis_url: url.into(),
            redis_cluster: cluster.into(),
            redis_key_prefix: "sr:".into(),
            redis_command_timeout: "2s".into(),
            event_stream_partitions: "8".into(),
        }
    }

    #[test]
    fn one_url_or_a_list_of_seed_nodes() {
        let one = RedisSettings::from_args(&args("redis://127.0.0.1:6379", "auto")).unwrap();
        assert_eq!(one.nodes(), ["redis://127.0.0.1:6379"]);
        assert_eq!(one.cluster, ClusterMode::Auto);
        let seeds = "redis://:pw@h1:7000, rediss://user:pw@h2:7001,redis://h3:7002";
        let many = RedisSettings::from_args(&args(seeds, "true")).unwrap();
        assert_eq!(
            many.nodes(),
            [
                "redis://:pw@h1:7000",
                "rediss://user:pw@h2:7001",
                "redis://h3:7002"
            ]
        );
        assert_eq!(many.cluster, ClusterMode::On);
    }

    #[test]
    fn messages_and_debug_output_never_show_the_password() {
        let seeds = "redis://:s3cret@h1:7000,rediss://user:s3cret@h2:7001/0,redis://h3:7002";
        let settings = RedisSettings::from_args(&args(seeds, "true")).unwrap();
        assert_eq!(
            settings.display_url(),
            "redis://***@h1:7000,rediss://***@h2:7001/0,redis://h3:7002"
        );
        let debug = format!("{settings:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
    }

    #[test]
    fn bad_nodes_or_modes_are_refused_by_name() {
        for (url, cluster, var) in [
            ("http://h1:7000", "auto", "REDIS_URL"),
            ("redis://h1:7000,,ftp://h2", "auto", "REDIS_URL"),
            ("", "auto", "REDIS_URL"),
            ("redis://h1:7000", "maybe", "REDIS_CLUSTER"),
            ("redis://h1:7000,redis://h2:7001", "false", "REDIS_URL"),
        ] {
            let error = RedisSettings::from_args(&args(url, cluster)).unwrap_err();
            assert!(
                matches!(error, ConfigError::Invalid { var: v, .. } if v == var),
                "{url} {cluster}: {error}"
            );
        }
    }
}
