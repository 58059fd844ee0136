//! `--help` never prints a secret taken from the environment: `REDIS_URL`
//! may carry a password, as the access token and client secret are secrets.

use crate::support::binary::reactor;

/// A password no help text may contain.
const PASSWORD: &str = "hunter2-in-the-url";

#[tokio::test]
async fn help_of_every_command_hides_the_redis_url_and_other_secrets() {
    let redis_url = format!("rediss://reactor:{PASSWORD}@redis.example.com:6380");
    let commands: &[&[&str]] = &[
        &["serve"],
        &["inspect"],
        &["dead-letters"],
        &["dead-letters", "list"],
        &["dead-letters", "replay"],
        &["subscriptions", "sync"],
        &["check"],
        &["healthcheck"],
        &["demo"],
    ];
    for command in commands {
        let output = reactor(command)
            .arg("--help")
            .env("REDIS_URL", &redis_url)
            .env("HUBSPOT_ACCESS_TOKEN", PASSWORD)
            .env("HUBSPOT_CLIENT_SECRET", PASSWORD)
            .env("SIGNUP_API_TOKEN", PASSWORD)
            .env("HUBSPOT_DEVELOPER_API_KEY", PASSWORD)
            .output()
            .await
            .expect("run signup-reactor");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{command:?} --help: {stdout}");
        assert!(
            !stdout.contains(PASSWORD)
                && !String::from_utf8_lossy(&output.stderr).contains(PASSWORD),
            "{command:?} --help shows a secret:\n{stdout}"
        );
        if command.len() == 1 && !matches!(command[0], "dead-letters" | "healthcheck") {
            assert!(stdout.contains("REDIS_URL"), "{command:?} --help: {stdout}");
        }
    }
}
