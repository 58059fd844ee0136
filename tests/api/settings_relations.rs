//! Settings that contradict each other stop `serve` and fail `check` at
//! start-up, with a message naming both settings; the shipped defaults pass.
//! A malformed setting does too, with its own message only.

use crate::support::binary::{output_text, reactor, with_required_settings};

/// The binary with only the required settings (and `extra`) in its environment.
async fn run(args: &[&str], extra: &[(&str, &str)]) -> std::process::Output {
    let mut command = reactor(args);
    with_required_settings(&mut command)
        // Nothing listens there: `check` reports Redis and HubSpot as failing.
        .env("REDIS_URL", "redis://127.0.0.1:9")
        .env("REDIS_COMMAND_TIMEOUT", "2s")
        .env("HUBSPOT_API_BASE_URL", "http://127.0.0.1:9")
        .env("HUBSPOT_FORMS_BASE_URL", "http://127.0.0.1:9");
    for (name, value) in extra {
        command.env(name, value);
    }
    tokio::time::timeout(std::time::Duration::from_secs(60), command.output())
        .await
        .expect("the binary exits")
        .expect("run signup-reactor")
}

#[tokio::test]
async fn the_shipped_defaults_pass_the_start_up_checks() {
    let output = run(&["check"], &[]).await;
    let shown = output_text(&output);
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
        let shown = output_text(&output);
        assert!(!output.status.success(), "{settings:?}: {shown}");
        for needle in *needles {
            assert!(shown.contains(needle), "{settings:?}: {shown}");
        }
        let checked = run(&["check"], settings).await;
        let shown = output_text(&checked);
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
    assert_eq!(output.status.code(), Some(1), "{}", output_text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("error: {message}\n")
    );
    let checked = run(&["check"], &[("LOG_FORMAT", "xml")]).await;
    let shown = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(1), "{}", output_text(&checked));
    assert!(
        shown.starts_with("FAIL configuration") && shown.trim_end().ends_with(message),
        "{shown}"
    );
    // The refusal never repeats the value: it may carry a password.
    let refused = run(&["serve"], &[("REDIS_URL", "http://reactor:hunter2@h:1")]).await;
    let shown = output_text(&refused);
    assert!(
        shown.starts_with("error: REDIS_URL is invalid: "),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}
