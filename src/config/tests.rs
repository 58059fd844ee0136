use std::time::Duration;

use hubspot_signature::SignaturePolicy;
use secrecy::ExposeSecret;

use super::test_settings::{REQUIRED, config, settings_args};
use super::*;

fn error_for(values: &[(&str, &str)]) -> String {
    match config(values) {
        Ok(_) => panic!("expected a configuration error for {values:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn valid_settings_parse_into_typed_values() {
    let config = config(&[("HUBSPOT_SIGNATURE_POLICY", "any")]).expect("valid settings");
    assert_eq!(config.hubspot.portal_id.get(), 62515);
    assert_eq!(
        config.hubspot.signup_form_guid,
        "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f"
    );
    assert_eq!(config.hubspot.verification_email_id, 123456789);
    assert_eq!(config.webhook.dedupe_window, Duration::from_secs(72 * 3600));
    assert_eq!(config.webhook.signature_policy, SignaturePolicy::Any);
    assert_eq!(
        config.hubspot.client_secret.expose_secret(),
        "client-secret-value"
    );
}

#[test]
fn errors_name_the_variable() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "HUBSPOT_CLIENT_SECRET is required",
            &[("HUBSPOT_CLIENT_SECRET", "")],
        ),
        (
            "HUBSPOT_ACCESS_TOKEN is required",
            &[("HUBSPOT_ACCESS_TOKEN", " ")],
        ),
        ("SIGNUP_API_TOKEN is required", &[("SIGNUP_API_TOKEN", "")]),
        (
            "HUBSPOT_PORTAL_ID is invalid",
            &[("HUBSPOT_PORTAL_ID", "abc")],
        ),
        (
            "HUBSPOT_SIGNUP_FORM_GUID is invalid",
            &[("HUBSPOT_SIGNUP_FORM_GUID", "x y")],
        ),
        (
            "HUBSPOT_VERIFICATION_EMAIL_ID is invalid",
            &[("HUBSPOT_VERIFICATION_EMAIL_ID", "-4")],
        ),
        ("LISTEN_ADDR is invalid", &[("LISTEN_ADDR", "localhost")]),
        ("REDIS_URL is invalid", &[("REDIS_URL", "http://x")]),
        (
            "REDIS_KEY_PREFIX is invalid",
            &[("REDIS_KEY_PREFIX", "{sr}")],
        ),
        (
            "REDIS_COMMAND_TIMEOUT is invalid",
            &[("REDIS_COMMAND_TIMEOUT", "0s")],
        ),
        (
            "HUBSPOT_API_BASE_URL is invalid",
            &[("HUBSPOT_API_BASE_URL", "api.hubapi.com")],
        ),
        (
            "HUBSPOT_FORMS_AUTHENTICATED is invalid",
            &[("HUBSPOT_FORMS_AUTHENTICATED", "maybe")],
        ),
        (
            "WEBHOOK_PUBLIC_URL is invalid",
            &[("WEBHOOK_PUBLIC_URL", "https://x.io/h?a=1")],
        ),
        (
            "HUBSPOT_SIGNATURE_POLICY is invalid",
            &[("HUBSPOT_SIGNATURE_POLICY", "v2")],
        ),
        (
            "TRUST_FORWARDED_HEADERS is invalid",
            &[("TRUST_FORWARDED_HEADERS", "2")],
        ),
        (
            "WEBHOOK_MAX_BODY_BYTES is invalid",
            &[("WEBHOOK_MAX_BODY_BYTES", "1MB")],
        ),
        (
            "WEBHOOK_DEDUPE_WINDOW is invalid",
            &[("WEBHOOK_DEDUPE_WINDOW", "24h")],
        ),
        (
            "HUBSPOT_API_VERSION is invalid",
            &[("HUBSPOT_API_VERSION", "2025-01")],
        ),
        ("LOG_FORMAT is invalid", &[("LOG_FORMAT", "xml")]),
        (
            "IDEMPOTENCY_LEASE is invalid: 10s is shorter than a signup request's worst case: HUBSPOT_HTTP_TIMEOUT (10s) + 9 × REDIS_COMMAND_TIMEOUT (2s) = 28s",
            &[("IDEMPOTENCY_LEASE", "10s")],
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: 27s 999ms is shorter than a signup request's worst case",
            &[("IDEMPOTENCY_LEASE", "27999ms")],
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: 30s is shorter than a signup request's worst case: HUBSPOT_HTTP_TIMEOUT (5s) + 9 × REDIS_COMMAND_TIMEOUT (4s) = 41s",
            &[
                ("HUBSPOT_HTTP_TIMEOUT", "5s"),
                ("REDIS_COMMAND_TIMEOUT", "4s"),
            ],
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: must not exceed IDEMPOTENCY_TTL",
            &[("IDEMPOTENCY_LEASE", "2h"), ("IDEMPOTENCY_TTL", "1h")],
        ),
    ];
    for (expected, values) in cases {
        let message = error_for(values);
        assert!(
            message.starts_with(expected),
            "{message:?} should start with {expected:?}"
        );
    }
}

#[test]
fn a_required_setting_left_out_is_named() {
    let without_secret: Vec<_> = REQUIRED[1..].to_vec();
    let args = settings_args(&without_secret).expect("parses");
    assert_eq!(
        Config::from_args(&args).err(),
        Some(ConfigError::Missing("HUBSPOT_CLIENT_SECRET"))
    );
}

#[test]
fn secrets_do_not_appear_in_debug_output() {
    let args = settings_args(REQUIRED).expect("valid settings");
    let config = Config::from_args(&args).expect("valid settings");
    let shown = format!("{config:?}{args:?}");
    for secret in ["client-secret-value", "pat-na1-token", "signup-token"] {
        assert!(!shown.contains(secret), "{secret} leaked into {shown}");
    }
}

#[test]
fn the_readme_configuration_table_lists_exactly_the_serve_variables() {
    use clap::Args;
    let command = SettingsArgs::augment_args(clap::Command::new("serve"));
    let mut declared: Vec<String> = command
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect();
    declared.sort();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = readme
        .split("## Configuration")
        .nth(1)
        .expect("configuration section");
    let mut documented: Vec<String> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('`').nth(1).map(str::to_owned))
        .filter(|name| name != "RUST_LOG")
        .collect();
    documented.sort();
    assert_eq!(declared, documented);
}

#[test]
fn the_signature_policy_defaults_to_v3_only() {
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        settings: SettingsArgs,
    }
    use clap::Parser;
    let cli = Cli::try_parse_from(["serve"]).expect("defaults parse");
    if std::env::var_os("HUBSPOT_SIGNATURE_POLICY").is_none() {
        assert_eq!(
            cli.settings.webhook.signature_policy,
            SignaturePolicy::V3Only
        );
    }
}
