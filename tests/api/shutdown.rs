use std::process::Stdio;
use std::time::Duration;

use hubspot_simulator::{Simulator, SimulatorHandle};
use tokio::process::{Child, Command};

use crate::support::app::SIGNUP_TOKEN;
use crate::support::binary::{assert_serving, serve_command};
use crate::support::contract::CheckedClient;
use crate::support::redis_server::{TestRedis, free_port};
use crate::support::stack::{sent_per_recipient, wait_for_emails};
use crate::support::stack::{signup_body, sim_config};

/// Starts `signup-reactor serve` as a real process on a free port.
async fn start_reactor(redis: &TestRedis, prefix: &str, sim: &SimulatorHandle) -> (Child, String) {
    start_reactor_logging_to(redis, prefix, sim, None).await
}

/// [`start_reactor`], its logs (`RUST_LOG=info`) written into `log` when given.
async fn start_reactor_logging_to(
    redis: &TestRedis,
    prefix: &str,
    sim: &SimulatorHandle,
    log: Option<std::fs::File>,
) -> (Child, String) {
    let (stdout, level) = match log {
        Some(file) => (Stdio::from(file), "info"),
        None => (Stdio::null(), "warn"),
    };
    let port = free_port();
    let child = serve_command(port, &redis.url, prefix, sim)
        .env("RUST_LOG", level)
        .stdout(stdout)
        .spawn()
        .expect("spawn signup-reactor");
    let base = format!("http://127.0.0.1:{port}");
    assert_serving(&format!("{base}/readyz")).await;
    sim.set_webhook_target(Some(format!("{base}/webhooks/hubspot")));
    (child, base)
}

async fn post_signup(http: &CheckedClient, base: &str, email: &str) -> Result<u16, reqwest::Error> {
    let response = http
        .post(format!("{base}/v1/signups"))
        .bearer_auth(SIGNUP_TOKEN)
        .header("Idempotency-Key", format!("key-{email}"))
        .json(&signup_body(email))
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn sigterm_during_a_batch_drains_and_loses_nothing() {
    let redis = TestRedis::start();
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let prefix = format!("shutdown:{}:", uuid::Uuid::new_v4().simple());
    let (mut first, base) = start_reactor(&redis, &prefix, &sim).await;
    let http = CheckedClient::new();
    let emails: Vec<String> = (0..40).map(|i| format!("term{i}@example.com")).collect();

    let requests = emails.iter().map(|email| post_signup(&http, &base, email));
    let sigterm = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let pid = first.id().expect("pid").to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill");
        assert!(status.success());
    };
    let (results, ()) = tokio::join!(futures_util::future::join_all(requests), sigterm);
    let exit = tokio::time::timeout(Duration::from_secs(45), first.wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(
        exit.success(),
        "SIGTERM ends the process with status 0, got {exit:?}"
    );
    for (email, result) in emails.iter().zip(&results) {
        if let Ok(status) = result {
            assert_eq!(
                *status, 202,
                "{email}: a request in flight at SIGTERM still completes"
            );
        }
    }

    // The app backend retries what was refused; a second process finishes the work.
    let (_second, base) = start_reactor(&redis, &prefix, &sim).await;
    for (email, result) in emails.iter().zip(&results) {
        if result.is_err() {
            assert_eq!(post_signup(&http, &base, email).await.expect("retry"), 202);
        }
    }
    assert!(
        wait_for_emails(&sim, &emails, Duration::from_secs(60)).await,
        "a signup was lost"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = sent_per_recipient(&sim);
    assert!(emails.iter().all(|e| sent.get(e) == Some(&1)), "{sent:?}");
}

#[tokio::test]
async fn logs_written_to_a_file_carry_no_ansi_escapes() {
    let redis = TestRedis::start();
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let prefix = format!("logs:{}:", uuid::Uuid::new_v4().simple());
    let dir = std::env::temp_dir().join(format!("sr-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("reactor.log");
    let file = std::fs::File::create(&path).expect("log file");
    let (mut child, _base) = start_reactor_logging_to(&redis, &prefix, &sim, Some(file)).await;
    let pid = child.id().expect("pid").to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().await;
    assert!(status.expect("kill").success());
    let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    let logs = std::fs::read_to_string(&path).expect("read logs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(logs.contains("signup-reactor listening"), "{logs}");
    assert!(
        !logs.contains('\u{1b}'),
        "ANSI escapes in a log file: {logs:?}"
    );
}
