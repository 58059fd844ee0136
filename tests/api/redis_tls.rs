//! The reactor on Redis over TLS (`rediss://`): a private `redis-server`
//! serving TLS only, with a certificate made for the test by `openssl`. The
//! reactor (a real process) trusts it through `SSL_CERT_FILE`, signs a user
//! up and sends the email; without that trust it never reports ready. The
//! same on a Redis Cluster whose nodes speak TLS only (clients, replication
//! and the cluster bus) and ask for a password given in every seed URL.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{Simulator, SimulatorHandle};
use tokio::process::Child;

use crate::support::app::SIGNUP_TOKEN;
use crate::support::binary::{assert_serving, serve_command};
use crate::support::contract::CheckedClient;
use crate::support::redis_cluster::TestCluster;
use crate::support::redis_cluster_nodes::ClusterAccess;
use crate::support::redis_server::free_port;
use crate::support::stack::{
    eventually, sent_per_recipient, signup_body, sim_config, wait_for_emails,
};
use crate::support::tls::TestCa;

/// A `redis-server` that speaks TLS only; ends with the test.
struct TlsRedis {
    url: String,
    /// The CA that signed the server's certificate (what clients must trust).
    ca: TestCa,
    child: std::process::Child,
}

impl TlsRedis {
    fn start() -> Self {
        let ca = TestCa::new();
        let port = free_port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", "0", "--tls-port", &port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(ca.server_args())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server with TLS");
        let redis = Self {
            url: format!("rediss://127.0.0.1:{port}"),
            ca,
            child,
        };
        let listening = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(25));
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(listening, "redis-server did not listen for TLS");
        redis
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `signup-reactor serve` on `redis_url`, trusting `trusted` when given;
/// returns once it answers `/healthz`.
async fn reactor(
    redis_url: &str,
    sim: &SimulatorHandle,
    trusted: Option<&Path>,
) -> (Child, String) {
    let port = free_port();
    let prefix = format!("tls:{}:", uuid::Uuid::new_v4().simple());
    let mut command = serve_command(port, redis_url, &prefix, sim);
    if let Some(cert) = trusted {
        command.env("SSL_CERT_FILE", cert);
    }
    let child = command.spawn().expect("spawn signup-reactor");
    let base = format!("http://127.0.0.1:{port}");
    assert_serving(&format!("{base}/healthz")).await;
    (child, base)
}

async fn readyz(base: &str) -> u16 {
    CheckedClient::new()
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// The reactor becomes ready, then signs `email` up and sends it one email.
async fn signs_up(base: &str, sim: &SimulatorHandle, email: &str) {
    let ready = eventually(Duration::from_secs(10), || async {
        readyz(base).await == 200
    })
    .await;
    assert!(ready, "/readyz over rediss:// with a trusted certificate");
    sim.set_webhook_target(Some(format!("{base}/webhooks/hubspot")));
    let email = email.to_owned();
    let response = CheckedClient::new()
        .post(format!("{base}/v1/signups"))
        .bearer_auth(SIGNUP_TOKEN)
        .json(&signup_body(&email))
        .send()
        .await
        .expect("signup");
    assert_eq!(response.status(), 202);
    assert!(
        wait_for_emails(sim, std::slice::from_ref(&email), Duration::from_secs(30)).await,
        "the email went out through a reactor on Redis over TLS"
    );
    assert_eq!(sent_per_recipient(sim).get(&email), Some(&1));
}

#[tokio::test]
async fn the_reactor_works_on_redis_over_tls() {
    let redis = TlsRedis::start();
    let sim = Simulator::start(sim_config()).await.expect("simulator");

    // Not trusting the server's certificate, the reactor cannot use Redis.
    let (mut untrusting, base) = reactor(&redis.url, &sim, None).await;
    assert_eq!(
        readyz(&base).await,
        503,
        "an unverified TLS server is refused"
    );
    let _ = untrusting.kill().await;

    let (_reactor, base) = reactor(&redis.url, &sim, Some(&redis.ca.ca)).await;
    signs_up(&base, &sim, "tls@example.com").await;
}

#[tokio::test]
async fn the_reactor_works_on_a_cluster_over_tls_with_a_password() {
    let access = ClusterAccess {
        password: Some("cluster-s3cret".to_owned()),
        tls: Some(Arc::new(TestCa::new())),
    };
    let cluster = TestCluster::start_with(3, 0, access.clone());
    let url = cluster.url();
    assert!(url.starts_with("rediss://:cluster-s3cret@127.0.0.1:"));
    let ca = access.tls.as_ref().map(|ca| ca.ca.clone()).expect("a CA");
    let sim = Simulator::start(sim_config()).await.expect("simulator");

    // A wrong password is refused on a cluster too.
    let wrong = cluster.url_with_password(Some("wrong-pass"));
    let (mut refused, base) = reactor(&wrong, &sim, Some(&ca)).await;
    assert_eq!(readyz(&base).await, 503, "a wrong password is refused");
    let signup = CheckedClient::new()
        .post(format!("{base}/v1/signups"))
        .bearer_auth(SIGNUP_TOKEN)
        .json(&signup_body("refused@example.com"))
        .send()
        .await
        .expect("signup");
    assert_eq!(signup.status(), 503, "no signup is taken without Redis");
    let _ = refused.kill().await;

    let (_reactor, base) = reactor(&url, &sim, Some(&ca)).await;
    signs_up(&base, &sim, "tls-cluster@example.com").await;
}
