//! The reactor on Redis over TLS (`rediss://`): a private `redis-server`
//! serving TLS only, with a certificate made for the test by `openssl`. The
//! reactor (a real process) trusts it through `SSL_CERT_FILE`, signs a user
//! up and sends the email; without that trust it never reports ready.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use hubspot_simulator::{DEFAULT_FORM_GUID, Simulator, SimulatorHandle};
use tokio::process::{Child, Command};

use crate::support::app::{CLIENT_SECRET, PORTAL_ID, SIGNUP_TOKEN};
use crate::support::redis_server::free_port;
use crate::support::stack::{
    ACCESS_TOKEN, EMAIL_ID, eventually, sent_per_recipient, signup_body, sim_config,
    wait_for_emails,
};

/// A `redis-server` that speaks TLS only; ends with the test.
struct TlsRedis {
    url: String,
    /// The CA that signed the server's certificate (what clients must trust).
    ca: PathBuf,
    dir: PathBuf,
    child: std::process::Child,
}

impl TlsRedis {
    fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("sr-tls-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("tls dir");
        // A CA, and a server certificate it signs (a self-signed server
        // certificate is a CA certificate, which TLS clients refuse as a leaf).
        let ca = dir.join("ca.pem");
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        let ext = dir.join("ext.cnf");
        std::fs::write(
            &ext,
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .expect("extensions");
        let openssl = |args: &[&str]| {
            let made = std::process::Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl");
            assert!(made.success(), "openssl {args:?} failed");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=signup-reactor test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
            "-out",
            "cert.pem",
        ]);
        let port = free_port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", "0", "--tls-port", &port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--tls-cert-file")
            .arg(&cert)
            .arg("--tls-key-file")
            .arg(&key)
            .arg("--tls-ca-cert-file")
            .arg(&ca)
            .args(["--tls-auth-clients", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server with TLS");
        let redis = Self {
            url: format!("rediss://127.0.0.1:{port}"),
            ca,
            dir,
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
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `signup-reactor serve` on `redis`, trusting `trusted` when given; returns
/// once it answers `/healthz`.
async fn reactor(
    redis: &TlsRedis,
    sim: &SimulatorHandle,
    trusted: Option<&Path>,
) -> (Child, String) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_signup-reactor"));
    command
        .arg("serve")
        .env_clear()
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("REDIS_URL", &redis.url)
        .env(
            "REDIS_KEY_PREFIX",
            format!("tls:{}:", uuid::Uuid::new_v4().simple()),
        )
        .env("HUBSPOT_CLIENT_SECRET", CLIENT_SECRET)
        .env("HUBSPOT_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("HUBSPOT_PORTAL_ID", PORTAL_ID.to_string())
        .env("HUBSPOT_SIGNUP_FORM_GUID", DEFAULT_FORM_GUID)
        .env("HUBSPOT_VERIFICATION_EMAIL_ID", EMAIL_ID.to_string())
        .env("HUBSPOT_API_BASE_URL", sim.base_url())
        .env("HUBSPOT_FORMS_BASE_URL", sim.base_url())
        .env("SIGNUP_API_TOKEN", SIGNUP_TOKEN)
        .env("RETRY_BASE_DELAY", "20ms")
        .env("RETRY_MAX_DELAY", "200ms")
        .env("WORKER_POLL_INTERVAL", "10ms")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    if let Some(cert) = trusted {
        command.env("SSL_CERT_FILE", cert);
    }
    let child = command.spawn().expect("spawn signup-reactor");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let alive = eventually(Duration::from_secs(20), || async {
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;
    assert!(alive, "the reactor did not start");
    (child, base)
}

async fn readyz(base: &str) -> u16 {
    reqwest::get(format!("{base}/readyz"))
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_reactor_works_on_redis_over_tls() {
    let redis = TlsRedis::start();
    let sim = Simulator::start(sim_config()).await.expect("simulator");

    // Not trusting the server's certificate, the reactor cannot use Redis.
    let (mut untrusting, base) = reactor(&redis, &sim, None).await;
    assert_eq!(
        readyz(&base).await,
        503,
        "an unverified TLS server is refused"
    );
    let _ = untrusting.kill().await;

    let (_reactor, base) = reactor(&redis, &sim, Some(&redis.ca)).await;
    let ready = eventually(Duration::from_secs(10), || async {
        readyz(&base).await == 200
    })
    .await;
    assert!(ready, "/readyz over rediss:// with a trusted certificate");
    sim.set_webhook_target(Some(format!("{base}/webhooks/hubspot")));
    let email = "tls@example.com".to_owned();
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/signups"))
        .bearer_auth(SIGNUP_TOKEN)
        .json(&signup_body(&email))
        .send()
        .await
        .expect("signup");
    assert_eq!(response.status(), 202);
    assert!(
        wait_for_emails(&sim, std::slice::from_ref(&email), Duration::from_secs(30)).await,
        "the email went out through a reactor on Redis over TLS"
    );
    assert_eq!(sent_per_recipient(&sim).get(&email), Some(&1));
}
