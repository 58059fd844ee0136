//! How a test reaches one node of a private Redis Cluster (its URL and a
//! client, with the cluster's password and TLS) and probes its state.

use std::sync::Arc;
use std::time::Duration;

use super::tls::TestCa;

/// How clients reach the nodes: a password, TLS, both or neither.
#[derive(Clone, Default)]
pub struct ClusterAccess {
    /// `requirepass` (and `masterauth`) of every node.
    pub password: Option<String>,
    /// TLS only, with certificates signed by this CA.
    pub tls: Option<Arc<TestCa>>,
}

impl ClusterAccess {
    /// The URL of the node on `port` as a client is given it.
    pub fn node_url(&self, port: u16) -> String {
        self.node_url_with(port, self.password.as_deref())
    }

    /// Same, with `password` (or none) instead of the nodes' own.
    pub fn node_url_with(&self, port: u16, password: Option<&str>) -> String {
        let scheme = if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        };
        let auth = password.map(|p| format!(":{p}@")).unwrap_or_default();
        format!("{scheme}://{auth}127.0.0.1:{port}")
    }

    /// A client for the node on `port` that trusts the test CA.
    pub fn client(&self, port: u16) -> redis::RedisResult<redis::Client> {
        let url = self.node_url(port);
        match &self.tls {
            Some(ca) => redis::Client::build_with_tls(url, certificates(ca)),
            None => redis::Client::open(url),
        }
    }
}

/// The certificates a client needs to trust the test CA.
pub fn certificates(ca: &TestCa) -> redis::TlsCertificates {
    redis::TlsCertificates {
        client_tls: None,
        root_cert: Some(ca.ca_pem()),
    }
}

/// One command's text answer from the node on `port`, if it answers at all.
pub fn ask(access: &ClusterAccess, port: u16, command: &redis::Cmd) -> Option<String> {
    let client = access.client(port).ok()?;
    let mut conn = client
        .get_connection_with_timeout(Duration::from_millis(200))
        .ok()?;
    command.query::<String>(&mut conn).ok()
}

/// Whether the node on `port` answers.
pub fn ping(access: &ClusterAccess, port: u16) -> bool {
    ask(access, port, &redis::cmd("PING")).is_some()
}

/// Whether the node on `port` (of a cluster without password or TLS) sees
/// every slot served.
pub fn cluster_ok(port: u16) -> bool {
    ok_on(&ClusterAccess::default(), port)
}

/// Whether the node on `port` sees every slot served.
pub fn ok_on(access: &ClusterAccess, port: u16) -> bool {
    let mut info = redis::cmd("CLUSTER");
    info.arg("INFO");
    ask(access, port, &info)
        .is_some_and(|info| info.lines().any(|line| line.trim() == "cluster_state:ok"))
}

/// A master, or a replica whose link to its master is up.
pub fn replica_synced(access: &ClusterAccess, port: u16) -> bool {
    let mut info = redis::cmd("INFO");
    info.arg("replication");
    ask(access, port, &info).is_some_and(|info| {
        info.lines().any(|line| line.trim() == "role:master")
            || info
                .lines()
                .any(|line| line.trim() == "master_link_status:up")
    })
}
