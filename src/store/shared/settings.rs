//! The store's own settings: where Redis is, how the reactor names its keys
//! there, and the quotas its rate limiters hold every replica to. The
//! configuration parses the environment into these types; the store needs
//! nothing above it.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

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
    /// The node URLs: one, or the cluster's seed nodes.
    pub fn nodes(&self) -> Vec<String> {
        redis_nodes(self.url.expose_secret())
    }

    /// `REDIS_URL` with any credentials replaced by `***`: what logs and
    /// operator messages may show.
    pub fn display_url(&self) -> String {
        redacted_url(self.url.expose_secret())
    }
}

/// The node URLs a `REDIS_URL` names: one, or the comma-separated seed nodes
/// of a cluster (blanks between commas ignored).
pub fn redis_nodes(url: &str) -> Vec<String> {
    url.split(',')
        .map(str::trim)
        .filter(|node| !node.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A `REDIS_URL` (one URL or seed nodes) with any credentials replaced by
/// `***`, fit for logs and messages.
pub fn redacted_url(url: &str) -> String {
    redis_nodes(url)
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

/// A quota: at most `max` calls per `window`, across every replica
/// (`HUBSPOT_API_RATE_LIMIT`, `FORMS_RATE_LIMIT`, `SINGLE_SEND_RATE_LIMIT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub max: u32,
    pub window: Duration,
}

impl Quota {
    /// Parses `N/duration`, e.g. `100/10s`; `None` unless both parts are
    /// above zero.
    pub fn parse(raw: &str) -> Option<Self> {
        let (max, window) = raw.trim().split_once('/')?;
        let max: u32 = max.trim().parse().ok().filter(|m| *m > 0)?;
        let window = humantime::parse_duration(window.trim())
            .ok()
            .filter(|w| !w.is_zero())?;
        Some(Self { max, window })
    }
}

impl std::fmt::Display for Quota {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}",
            self.max,
            humantime::format_duration(self.window)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> RedisSettings {
        RedisSettings {
            url: SecretString::from(url.to_owned()),
            cluster: ClusterMode::Auto,
            key_prefix: "sr:".to_owned(),
            command_timeout: Duration::from_secs(2),
            event_partitions: 8,
        }
    }

    #[test]
    fn messages_and_debug_output_never_show_the_password() {
        let seeds = "redis://:s3cret@h1:7000,rediss://user:s3cret@h2:7001/0,redis://h3:7002";
        let settings = settings(seeds);
        assert_eq!(
            settings.display_url(),
            "redis://***@h1:7000,rediss://***@h2:7001/0,redis://h3:7002"
        );
        let debug = format!("{settings:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
    }

    #[test]
    fn nodes_are_the_comma_separated_urls() {
        assert_eq!(
            settings(" redis://h1:7000, ,redis://h2:7001 ").nodes(),
            ["redis://h1:7000", "redis://h2:7001"]
        );
    }
}
