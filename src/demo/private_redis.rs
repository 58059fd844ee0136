//! The demo's own Redis: with `REDIS_URL` unset, a private `redis-server`
//! from `PATH` on a free loopback port, keeping nothing on disk, stopped when
//! the run ends. The demo never writes into a Redis it was not pointed at.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

/// How long a fresh server gets to answer its first `PING`.
const START_TIMEOUT: Duration = Duration::from_secs(5);

/// A `redis-server` this process started; killed on drop.
pub struct PrivateRedis {
    url: String,
    child: Child,
}

impl PrivateRedis {
    /// Starts `redis-server` on a free port, or says what to install.
    pub async fn start() -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("cannot find a free port for the demo's redis-server")?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
                "the demo needs Redis: install redis-server (e.g. `apt-get install \
                 redis-server` or `brew install redis`) so that the demo can start a \
                 private one, or point REDIS_URL at a Redis it may write to"
            ),
            Err(error) => return Err(error).context("cannot start redis-server"),
        };
        let redis = Self {
            url: format!("redis://127.0.0.1:{port}"),
            child,
        };
        redis.wait_until_ready().await?;
        Ok(redis)
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn wait_until_ready(&self) -> anyhow::Result<()> {
        let client = redis::Client::open(self.url.as_str())?;
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            let ping = async {
                let mut conn = client.get_multiplexed_async_connection().await?;
                redis::cmd("PING").query_async::<String>(&mut conn).await
            };
            if ping.await.is_ok() {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("the demo's redis-server did not answer within {START_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server and waits for it to exit.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
