//! Settings that contradict each other stop `serve` and fail `check` at
//! start-up, with a message naming both settings; the shipped defaults pass.
//! A malformed setting does too, with its own message only.

use tokio::process::Command;

/// The binary with only the required settings (and `extra`) in its environment.
async fn run(args: &[&str], extra: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signup-reactor"));
    command
        .args(args)
        .env_clear()
        // Nothing listens there: `check` reports Redis and HubSpot as failing.
        .env("REDIS_URL", "redis://127.0.0.1:9")
        .env("REDIS_COMMAND_TIMEOUT", "2s")
        .env("HUBSPOT_API_BASE_URL", "http://127.0.0.1:9")
        .env("HUBSPOT_FORMS_BASE_URL", "http://127.0.0.1:9")
        .env("HUBSPOT_CLIENT_SECRET", "secret")
        .env("HUBSPOT_ACCESS_TOKEN", "pat-na1-token")
        .env("HUBSPOT_PORTAL_ID", "62515")
        .env(
            "HUBSPOT_SIGNUP_FORM_GUID",
            "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f",
        )
        .env("HUBSPOT_VERIFICATION_EMAIL_ID", "42")
        .env("SIGNUP_API_TOKEN", "token")
        .kill_on_drop(true);
    for (name, value) in extra {
        command.env(name, value);
    }
    tokio::time::timeout(std::time::Duration::from_secs(60), command.output())
        .await
        .expect("the binary exits")
        .expect("run signup-reactor")
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn the_shipped_defaults_pass_the_start_up_checks() {
    let output = run(&["check"], &[]).await;
    let shown = text(&output);
    assert!(
        shown.contains("ok   configuration"),
        "the defaults contradict each other:\n{shown}"
    );
}

#[tokio::test]
async fn contradicting_settings_stop_serve_with_both_names() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            &[("SWEEP_AFTER", "20s")],
            &["SWEEP_AFTER", "HUBSPOT_HTTP_TIMEOUT (10s)", "in flight"],
        ),
        (
            &[("CHECK_LEASE", "45s")],
            &[
                "CHECK_LEASE",
                "HUBSPOT_HTTP_TIMEOUT",
                "REDIS_COMMAND_TIMEOUT (2s)",
            ],
        ),
        (
            &[("REDIS_COMMAND_TIMEOUT", "5s")],
            &["CHECK_LEASE", "REDIS_COMMAND_TIMEOUT (5s)"],
        ),
    ];
    for (settings, needles) in cases {
        let output = run(&["serve", "--role", "worker"], settings).await;
        let shown = text(&output);
        assert!(!output.status.success(), "{settings:?}: {shown}");
        for needle in *needles {
            assert!(shown.contains(needle), "{settings:?}: {shown}");
        }
        let checked = run(&["check"], settings).await;
        let shown = text(&checked);
        assert!(!checked.status.success(), "{settings:?}: {shown}");
        assert!(
            shown.contains("FAIL configuration") && shown.contains(needles[0]),
            "{settings:?}: {shown}"
        );
    }
}

#[tokio::test]
async fn a_malformed_setting_stops_serve_and_fails_check_with_its_own_message() {
    let message = "LOG_FORMAT is invalid: expected `text` or `json`";
    let output = run(&["serve"], &[("LOG_FORMAT", "xml")]).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("error: {message}\n")
    );
    let checked = run(&["check"], &[("LOG_FORMAT", "xml")]).await;
    let shown = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(1), "{}", text(&checked));
    assert!(
        shown.starts_with("FAIL configuration") && shown.trim_end().ends_with(message),
        "{shown}"
    );
    // The refusal never repeats the value: it may carry a password.
    let refused = run(&["serve"], &[("REDIS_URL", "http://reactor:hunter2@h:1")]).await;
    let shown = text(&refused);
    assert!(
        shown.starts_with("error: REDIS_URL is invalid: "),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}
