//! A private Redis Cluster on free ports: `masters` masters, each with
//! `replicas` replicas, keeping nothing on disk. Every node's cluster bus port
//! (its port + 10000) is free and below 65536 too. The nodes may ask for a
//! password and may speak TLS only (clients, replication and the bus).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::redis_cluster_nodes::{ClusterAccess, certificates, ok_on, ping, replica_synced};
use super::redis_server::free_port;

/// A running cluster; its processes end when it is dropped.
pub struct TestCluster {
    pub ports: Vec<u16>,
    children: Vec<Option<Child>>,
    dir: PathBuf,
    access: ClusterAccess,
}

impl TestCluster {
    /// Starts the nodes, creates the cluster and waits until every slot is served.
    pub fn start(masters: usize, replicas: usize) -> Self {
        Self::start_with(masters, replicas, ClusterAccess::default())
    }

    /// Same, with nodes reached as `access` says.
    pub fn start_with(masters: usize, replicas: usize, access: ClusterAccess) -> Self {
        let count = masters * (1 + replicas);
        let dir =
            std::env::temp_dir().join(format!("sr-cluster-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("cluster dir");
        let mut cluster = Self {
            ports: Vec::new(),
            children: Vec::new(),
            dir,
            access,
        };
        // A port (or its bus port) may be taken by another test between
        // choosing it and the node binding it: then the nodes start again on
        // other ports.
        let mut attempts = 0;
        while !cluster.spawn_nodes(count) {
            attempts += 1;
            assert!(attempts < 5, "redis-server nodes did not start");
        }
        let nodes: Vec<String> = cluster
            .ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        let mut create = Command::new("redis-cli");
        if let Some(password) = &cluster.access.password {
            create.args(["-a", password]);
        }
        if let Some(ca) = &cluster.access.tls {
            create.arg("--tls").arg("--cacert").arg(&ca.ca);
        }
        let status = create
            .arg("--cluster")
            .arg("create")
            .args(&nodes)
            .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("redis-cli --cluster create");
        assert!(status.success(), "redis-cli --cluster create failed");
        for port in cluster.ports.clone() {
            let access = &cluster.access;
            wait_for(&format!("cluster_state:ok on {port}"), || {
                ok_on(access, port)
            });
            // A replica that never synced cannot be promoted.
            wait_for(&format!("replication on {port}"), || {
                replica_synced(access, port)
            });
        }
        cluster
    }

    /// Chooses `count` free ports (with free bus ports) and starts a node on
    /// each; false, with every node stopped, if one does not answer.
    fn spawn_nodes(&mut self, count: usize) -> bool {
        for mut child in self.children.drain(..).flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.ports.clear();
        while self.ports.len() < count {
            let port = free_port();
            let bus_free = port < 55_535 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok();
            if bus_free && !self.ports.contains(&port) {
                self.ports.push(port);
            }
        }
        for index in 0..count {
            let child = self.spawn(index);
            self.children.push(Some(child));
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut waiting = self.ports.clone();
        while !waiting.is_empty() && Instant::now() < deadline {
            waiting.retain(|port| !ping(&self.access, *port));
            std::thread::sleep(Duration::from_millis(50));
        }
        waiting.is_empty()
    }

    fn spawn(&self, index: usize) -> Child {
        let port = self.ports[index].to_string();
        let mut server = Command::new("redis-server");
        match &self.access.tls {
            Some(ca) => server
                .args(["--port", "0", "--tls-port", &port])
                .args(["--tls-cluster", "yes", "--tls-replication", "yes"])
                .args(ca.server_args()),
            None => server.args(["--port", &port]),
        };
        if let Some(password) = &self.access.password {
            server.args(["--requirepass", password, "--masterauth", password]);
        }
        server
            .args(["--bind", "127.0.0.1", "--protected-mode", "no"])
            .args(["--cluster-enabled", "yes", "--cluster-node-timeout", "1000"])
            .args(["--cluster-config-file", &format!("nodes-{port}.conf")])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--repl-diskless-sync-delay",
                "0",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server in cluster mode")
    }

    /// `REDIS_URL` for the cluster: every node, comma-separated, with the
    /// nodes' credentials.
    pub fn url(&self) -> String {
        self.url_with_password(self.access.password.as_deref())
    }

    /// Same, with `password` (or none) in every seed URL instead.
    pub fn url_with_password(&self, password: Option<&str>) -> String {
        self.ports
            .iter()
            .map(|port| self.access.node_url_with(*port, password))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A cluster connection for assertions.
    pub async fn connection(&self) -> redis::cluster_async::ClusterConnection {
        let nodes: Vec<String> = self
            .ports
            .iter()
            .map(|port| self.access.node_url(*port))
            .collect();
        let mut builder = redis::cluster::ClusterClient::builder(nodes);
        if let Some(ca) = &self.access.tls {
            builder = builder.certs(certificates(ca));
        }
        builder
            .build()
            .expect("cluster client")
            .get_async_connection()
            .await
            .expect("cluster connection")
    }

    /// A plain connection to one node (for `CLUSTER` commands on that node).
    pub fn node(&self, port: u16) -> redis::Connection {
        self.access
            .client(port)
            .expect("node url")
            .get_connection_with_timeout(Duration::from_secs(2))
            .expect("node connection")
    }

    /// The port of the master serving `slot`, as a live node sees it.
    pub fn master_of(&self, slot: u16) -> u16 {
        let live = self
            .ports
            .iter()
            .zip(&self.children)
            .find(|(_, child)| child.is_some())
            .map(|(port, _)| *port)
            .expect("a live node");
        let mut conn = self.node(live);
        let slots: Vec<(u16, u16, (String, u16))> = redis::cmd("CLUSTER")
            .arg("SLOTS")
            .query(&mut conn)
            .map(|raw: Vec<redis::Value>| raw.into_iter().filter_map(parse_slot_range).collect())
            .expect("CLUSTER SLOTS");
        slots
            .into_iter()
            .find(|(start, end, _)| (*start..=*end).contains(&slot))
            .map(|(_, _, (_, port))| port)
            .expect("a master serves the slot")
    }

    /// Kills the node on `port` (as a crash would).
    pub fn kill(&mut self, port: u16) {
        let index = self.ports.iter().position(|p| *p == port);
        if let Some(mut child) = index.and_then(|index| self.children[index].take()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn parse_slot_range(range: redis::Value) -> Option<(u16, u16, (String, u16))> {
    let redis::Value::Array(items) = range else {
        return None;
    };
    let number = |value: &redis::Value| match value {
        redis::Value::Int(n) => u16::try_from(*n).ok(),
        _ => None,
    };
    let start = number(items.first()?)?;
    let end = number(items.get(1)?)?;
    let redis::Value::Array(master) = items.get(2)? else {
        return None;
    };
    let host = match master.first()? {
        redis::Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => return None,
    };
    Some((start, end, (host, number(master.get(1)?)?)))
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        for child in self.children.iter_mut().filter_map(Option::take) {
            let mut child = child;
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}
