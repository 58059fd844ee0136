use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::test_settings::{config, settings_args};
use super::*;
use crate::domain::PortalId;

#[test]
fn the_defaults_are_the_documented_ones_and_code_sets_typed_fields() {
    let mut args = SettingsArgs::default();
    assert_eq!(args.listen_addr.to_string(), "0.0.0.0:8080");
    assert_eq!(
        args.redis.redis_url.expose_secret(),
        "redis://127.0.0.1:6379"
    );
    assert!(matches!(
        Config::from_args(&args),
        Err(ConfigError::Missing(_))
    ));
    args.hubspot.hubspot_client_secret = Some(SecretString::from("secret"));
    args.hubspot.hubspot_access_token = Some(SecretString::from("pat-na1-token"));
    args.hubspot.hubspot_portal_id = PortalId::new(62515).ok();
    args.hubspot.hubspot_signup_form_guid = Some("0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f".into());
    args.hubspot.hubspot_verification_email_id = Some(42);
    args.signup_api_token = Some(SecretString::from("token"));
    let built = Config::from_args(&args).expect("valid");
    let parsed = config(&[]).expect("valid");
    assert_eq!(built.worker.poll_interval, Duration::from_millis(250));
    assert_eq!(built.worker.poll_interval, parsed.worker.poll_interval);
    assert_eq!(built.webhook.dedupe_window, Duration::from_secs(72 * 3600));
    assert_eq!(built.webhook.dedupe_window, parsed.webhook.dedupe_window);
    assert_eq!(
        built.signup.forms_retry_lease, parsed.signup.forms_retry_lease,
        "derived the same way"
    );

    args.worker.retry_base_delay = Duration::from_millis(20);
    args.redis.redis_url = SecretString::from("redis://10.0.0.1:6380");
    let custom = Config::from_args(&args).expect("valid");
    assert_eq!(custom.worker.retry_base_delay, Duration::from_millis(20));
    assert_eq!(custom.redis.url.expose_secret(), "redis://10.0.0.1:6380");

    assert!(matches!(
        config(&[("WEBHOOK_DEDUPE_WINDOW", "1h")]),
        Err(ConfigError::Invalid { var, .. }) if var == "WEBHOOK_DEDUPE_WINDOW"
    ));
    assert!(
        SettingsArgs::with_values(&[("NO_SUCH_SETTING", "1")]).is_err(),
        "an unknown name is refused"
    );
}

#[test]
fn the_idempotency_lease_covers_a_signup_requests_worst_case() {
    // (HUBSPOT_HTTP_TIMEOUT, REDIS_COMMAND_TIMEOUT, IDEMPOTENCY_LEASE, valid)
    let cases = [
        ("10s", "2s", "28s", true),
        ("10s", "2s", "30s", true),
        ("10s", "2s", "27s", false),
        ("5s", "500ms", "9500ms", true),
        ("5s", "500ms", "9s", false),
        ("3s", "3s", "30s", true),
        ("1s", "4s", "30s", false),
    ];
    for (http, redis, lease, valid) in cases {
        let parsed = config(&[
            ("HUBSPOT_HTTP_TIMEOUT", http),
            ("REDIS_COMMAND_TIMEOUT", redis),
            ("IDEMPOTENCY_LEASE", lease),
        ]);
        assert_eq!(parsed.is_ok(), valid, "{http} {redis} {lease}");
    }
}

#[test]
fn the_api_version_defaults_to_the_newest_and_reaches_the_client() {
    use crate::hubspot::ApiVersion;
    let config_at = |version: Option<&str>| {
        let values: Vec<_> = version
            .map(|v| ("HUBSPOT_API_VERSION", v))
            .into_iter()
            .collect();
        config(&values).expect("valid settings")
    };
    assert_eq!(config_at(None).hubspot.api_version, ApiVersion::V2026_09);
    let config = config_at(Some("v3"));
    let endpoints = config.hubspot_endpoints();
    assert_eq!(endpoints.api_version, ApiVersion::V3);
    assert_eq!(endpoints.max_retry_wait, config.worker.retry_max_delay);
}

#[test]
fn every_setting_parses_its_default_into_its_type() {
    // A parser whose type differs from its field's fails here, not in `serve`.
    let args = settings_args(&[]).expect("the defaults parse");
    assert_eq!(args.worker.check_batch_size, 100);
    assert_eq!(args.redis.event_stream_partitions, 8);
    assert_eq!(args.worker.send_quota, None);
    assert_eq!(args.webhook.public_url, None);
    assert_eq!(args.log_format, LogFormat::Text);
}
