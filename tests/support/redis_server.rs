//! A private `redis-server` on a free port, which a test can stop and restart.
//! Without the binary, tests fall back to `REDIS_URL` under a unique key prefix
//! (and the tests that stop Redis are skipped, saying so).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Redis the test owns.
pub struct TestRedis {
    pub url: String,
    port: u16,
    child: Option<Child>,
    owned: bool,
    /// Further `redis-server` arguments (a password, ACL users).
    args: Vec<String>,
}

impl TestRedis {
    /// A handle on the Redis at `url` (`port` when the test runs it).
    fn at(url: String, port: u16, owned: bool, args: Vec<String>) -> Self {
        Self {
            url,
            port,
            child: None,
            owned,
            args,
        }
    }

    /// Starts a private redis-server, or falls back to `REDIS_URL`.
    pub fn start() -> Self {
        if which("redis-server") {
            let port = free_port();
            let mut redis = Self::at(format!("redis://127.0.0.1:{port}"), port, true, Vec::new());
            redis.restart();
            redis
        } else {
            let url =
                std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
            eprintln!("redis-server not found: using {url} with a unique key prefix");
            Self::external(url)
        }
    }

    /// A private redis-server started with `args` (e.g. `--requirepass`),
    /// reached as `userinfo@` (e.g. `user:password`) in its URL.
    pub fn start_secured(args: &[&str], userinfo: &str) -> Self {
        assert!(which("redis-server"), "redis-server is needed");
        let port = free_port();
        let args = args.iter().map(|a| (*a).to_owned()).collect();
        let mut redis = Self::at(
            format!("redis://{userinfo}@127.0.0.1:{port}"),
            port,
            true,
            args,
        );
        redis.restart();
        redis
    }

    /// The URL of this server with `userinfo@` instead of its own credentials.
    pub fn url_as(&self, userinfo: &str) -> String {
        format!("redis://{userinfo}@127.0.0.1:{}", self.port)
    }

    /// A handle on a Redis the test does not own (e.g. a cluster's seed nodes).
    pub fn external(url: String) -> Self {
        Self::at(url, 0, false, Vec::new())
    }

    /// Another handle on the same server that does not own it (for a second
    /// reactor process sharing this Redis).
    pub fn share(&self) -> Self {
        Self::at(self.url.clone(), self.port, false, Vec::new())
    }

    /// Whether this Redis can be stopped and restarted by the test.
    pub fn is_private(&self) -> bool {
        self.owned
    }

    /// (Re)starts the server on the same port and waits until it answers.
    pub fn restart(&mut self) {
        assert!(self.owned, "cannot restart a shared Redis");
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.ping() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    /// Kills the server (as a crash would) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A plain connection for assertions.
    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url.as_str()).expect("redis url")
    }

    /// A connection for assertions.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        self.client()
            .get_multiplexed_async_connection()
            .await
            .expect("redis connection")
    }

    fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return false;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_millis(200)) else {
            return false;
        };
        redis::cmd("PING").query::<String>(&mut conn).is_ok()
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port free at the time of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn which(binary: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {binary}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
