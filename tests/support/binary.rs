//! The `signup-reactor` binary as a child process: a clean environment,
//! `serve` wired to the simulator, the operator commands on an app's Redis.

use std::time::Duration;

use hubspot_simulator::{DEFAULT_FORM_GUID, SimulatorHandle};
use tokio::process::Command;

use super::app::{CLIENT_SECRET, PORTAL_ID, SIGNUP_TOKEN, TestApp};
use super::contract::CheckedClient;
use super::stack::{ACCESS_TOKEN, EMAIL_ID, eventually};
use super::test_log;

/// `signup-reactor ARGS` with an empty environment, killed with its handle.
pub fn reactor(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signup-reactor"));
    command.args(args).env_clear().kill_on_drop(true);
    command
}

/// Adds the settings every command that talks to HubSpot requires, with
/// placeholder values (Redis and HubSpot are left to the caller).
pub fn with_required_settings(command: &mut Command) -> &mut Command {
    command
        .env("HUBSPOT_CLIENT_SECRET", "secret")
        .env("HUBSPOT_ACCESS_TOKEN", "pat-na1-token")
        .env("HUBSPOT_PORTAL_ID", "62515")
        .env(
            "HUBSPOT_SIGNUP_FORM_GUID",
            "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f",
        )
        .env("HUBSPOT_VERIFICATION_EMAIL_ID", "42")
        .env("SIGNUP_API_TOKEN", "token")
}

/// `signup-reactor ARGS` on the app's Redis, event partitions and key prefix.
pub async fn reactor_command(app: &TestApp, args: &[&str]) -> std::process::Output {
    reactor(args)
        .env("REDIS_URL", &app.redis.url)
        .env(
            "EVENT_STREAM_PARTITIONS",
            app.config.redis.event_partitions.to_string(),
        )
        .env("REDIS_KEY_PREFIX", &app.prefix)
        .output()
        .await
        .expect("run signup-reactor")
}

/// What a command wrote, standard output then standard error.
pub fn output_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `signup-reactor serve` as a real process on `port`, wired to `sim` and to
/// Redis at `redis_url` under `prefix`, with the test's fast timers; output
/// discarded (shown under `TEST_LOG`) and the process killed with its handle
/// (callers add the rest).
pub fn serve_command(port: u16, redis_url: &str, prefix: &str, sim: &SimulatorHandle) -> Command {
    let mut command = reactor(&["serve"]);
    command
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("REDIS_URL", redis_url)
        .env("REDIS_KEY_PREFIX", prefix)
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
        .env("WORKER_POLL_INTERVAL", "10ms");
    test_log::route_child_logs(&mut command);
    command
}

/// Waits (up to 20 s) until a started process answers 200 at `url`.
pub async fn assert_serving(url: &str) {
    let http = CheckedClient::new();
    let up = eventually(Duration::from_secs(20), || async {
        http.get(url).send().await.is_ok_and(|r| r.status() == 200)
    })
    .await;
    assert!(up, "the reactor did not start");
}
