use super::*;
use secrecy::ExposeSecret;

fn valid_args() -> SettingsArgs {
    SettingsArgs {
        listen_addr: "127.0.0.1:0".into(),
        http_read_timeout: "10s".into(),
        redis: RedisArgs {
            redis_url: "redis://127.0.0.1:6379".into(),
            redis_cluster: "auto".into(),
            redis_key_prefix: "sr:".into(),
            redis_command_timeout: "2s".into(),
            event_stream_partitions: "8".into(),
        },
        hubspot_client_secret: Some("client-secret-value".into()),
        hubspot_access_token: Some("pat-na1-token".into()),
        hubspot_portal_id: Some("62515".into()),
        hubspot_signup_form_guid: Some("0B4A6C6E-1C4F-4C0E-9B8E-0A1B2C3D4E5F".into()),
        hubspot_verification_email_id: Some("123456789".into()),
        hubspot_api_base_url: "https://api.hubapi.com".into(),
        hubspot_forms_base_url: "https://api.hsforms.com".into(),
        hubspot_api_version: "2026-09".into(),
        hubspot_forms_authenticated: "false".into(),
        webhook_public_url: None,
        signup_api_token: Some("signup-token".into()),
        hubspot_signature_policy: "any".into(),
        trust_forwarded_headers: "false".into(),
        webhook_max_body_bytes: "1048576".into(),
        webhook_dedupe_window: "72h".into(),
        signup_pending_ttl: "7d".into(),
        idempotency_ttl: "24h".into(),
        idempotency_lease: "30s".into(),
        signup_emails_per_address_per_day: "5".into(),
        forms_rate_limit: "50/10s".into(),
        forms_retry_horizon: "24h".into(),
        retry_base_delay: "1s".into(),
        retry_max_delay: "5m".into(),
        worker_poll_interval: "250ms".into(),
        hubspot_http_timeout: "10s".into(),
        worker_concurrency: "4".into(),
        stream_claim_idle: "60s".into(),
        stream_max_deliveries: "5".into(),
        check_lease: "60s".into(),
        contact_wait_horizon: "24h".into(),
        check_batch_size: "100".into(),
        check_linger: "2s".into(),
        send_status_delay: "5s".into(),
        form_confirmation: "profile".into(),
        form_clock_skew: "30s".into(),
        contact_send_cooldown: "30s".into(),
        single_send_rate_limit: String::new(),
        signup_finished_ttl: "24h".into(),
        first_check_grace: "3s".into(),
        sweep_after: "10m".into(),
        sweep_interval: "1m".into(),
        hubspot_api_rate_limit: "100/10s".into(),
        log_format: "text".into(),
    }
}

fn error_for(edit: impl FnOnce(&mut SettingsArgs)) -> String {
    let mut args = valid_args();
    edit(&mut args);
    match Config::from_args(&args) {
        Ok(_) => panic!("expected a configuration error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn valid_settings_parse_into_typed_values() {
    let config = Config::from_args(&valid_args()).expect("valid settings");
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
    type Edit = Box<dyn FnOnce(&mut SettingsArgs)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "HUBSPOT_CLIENT_SECRET is required",
            Box::new(|a| a.hubspot_client_secret = None),
        ),
        (
            "HUBSPOT_ACCESS_TOKEN is required",
            Box::new(|a| a.hubspot_access_token = Some(" ".into())),
        ),
        (
            "SIGNUP_API_TOKEN is required",
            Box::new(|a| a.signup_api_token = None),
        ),
        (
            "HUBSPOT_PORTAL_ID is invalid",
            Box::new(|a| a.hubspot_portal_id = Some("abc".into())),
        ),
        (
            "HUBSPOT_SIGNUP_FORM_GUID is invalid",
            Box::new(|a| a.hubspot_signup_form_guid = Some("x y".into())),
        ),
        (
            "HUBSPOT_VERIFICATION_EMAIL_ID is invalid",
            Box::new(|a| a.hubspot_verification_email_id = Some("-4".into())),
        ),
        (
            "LISTEN_ADDR is invalid",
            Box::new(|a| a.listen_addr = "localhost".into()),
        ),
        (
            "REDIS_URL is invalid",
            Box::new(|a| a.redis.redis_url = "http://x".into()),
        ),
        (
            "REDIS_KEY_PREFIX is invalid",
            Box::new(|a| a.redis.redis_key_prefix = "{sr}".into()),
        ),
        (
            "REDIS_COMMAND_TIMEOUT is invalid",
            Box::new(|a| a.redis.redis_command_timeout = "0s".into()),
        ),
        (
            "HUBSPOT_API_BASE_URL is invalid",
            Box::new(|a| a.hubspot_api_base_url = "api.hubapi.com".into()),
        ),
        (
            "HUBSPOT_FORMS_AUTHENTICATED is invalid",
            Box::new(|a| a.hubspot_forms_authenticated = "maybe".into()),
        ),
        (
            "WEBHOOK_PUBLIC_URL is invalid",
            Box::new(|a| a.webhook_public_url = Some("https://x.io/h?a=1".into())),
        ),
        (
            "HUBSPOT_SIGNATURE_POLICY is invalid",
            Box::new(|a| a.hubspot_signature_policy = "v2".into()),
        ),
        (
            "TRUST_FORWARDED_HEADERS is invalid",
            Box::new(|a| a.trust_forwarded_headers = "2".into()),
        ),
        (
            "WEBHOOK_MAX_BODY_BYTES is invalid",
            Box::new(|a| a.webhook_max_body_bytes = "1MB".into()),
        ),
        (
            "WEBHOOK_DEDUPE_WINDOW is invalid",
            Box::new(|a| a.webhook_dedupe_window = "24h".into()),
        ),
        (
            "HUBSPOT_API_VERSION is invalid",
            Box::new(|a| a.hubspot_api_version = "2025-01".into()),
        ),
        (
            "LOG_FORMAT is invalid",
            Box::new(|a| a.log_format = "xml".into()),
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: 10s is shorter than a signup request's worst case: HUBSPOT_HTTP_TIMEOUT (10s) + 8 × REDIS_COMMAND_TIMEOUT (2s) = 26s",
            Box::new(|a| a.idempotency_lease = "10s".into()),
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: 25s 999ms is shorter than a signup request's worst case",
            Box::new(|a| a.idempotency_lease = "25999ms".into()),
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: 30s is shorter than a signup request's worst case: HUBSPOT_HTTP_TIMEOUT (5s) + 8 × REDIS_COMMAND_TIMEOUT (4s) = 37s",
            Box::new(|a| {
                a.hubspot_http_timeout = "5s".into();
                a.redis.redis_command_timeout = "4s".into();
            }),
        ),
        (
            "IDEMPOTENCY_LEASE is invalid: must not exceed IDEMPOTENCY_TTL",
            Box::new(|a| {
                a.idempotency_lease = "2h".into();
                a.idempotency_ttl = "1h".into();
            }),
        ),
    ];
    for (expected, edit) in cases {
        let message = error_for(edit);
        assert!(
            message.starts_with(expected),
            "{message:?} should start with {expected:?}"
        );
    }
}

#[test]
fn secrets_do_not_appear_in_debug_output() {
    let config = Config::from_args(&valid_args()).expect("valid settings");
    let shown = format!("{config:?}");
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
        assert_eq!(cli.settings.hubspot_signature_policy, "v3-only");
    }
}

#[test]
fn the_builder_starts_from_the_documented_defaults_and_validates_like_serve() {
    let required = |builder: ConfigBuilder| {
        builder
            .set("HUBSPOT_CLIENT_SECRET", "secret")
            .set("HUBSPOT_ACCESS_TOKEN", "pat-na1-token")
            .set("HUBSPOT_PORTAL_ID", "62515")
            .set(
                "HUBSPOT_SIGNUP_FORM_GUID",
                "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f",
            )
            .set("HUBSPOT_VERIFICATION_EMAIL_ID", "42")
            .set("SIGNUP_API_TOKEN", "token")
    };
    let config = required(Config::builder()).build().expect("valid");
    let defaults = Config::from_args(&valid_args()).expect("valid");
    assert_eq!(config.listen_addr.to_string(), "0.0.0.0:8080");
    assert_eq!(config.redis.url.expose_secret(), "redis://127.0.0.1:6379");
    assert_eq!(config.worker.poll_interval, defaults.worker.poll_interval);
    assert_eq!(config.webhook.dedupe_window, defaults.webhook.dedupe_window);

    let custom = required(Config::builder())
        .set("RETRY_BASE_DELAY", "20ms")
        .set("REDIS_URL", "redis://10.0.0.1:6380")
        .build()
        .expect("valid");
    assert_eq!(custom.worker.retry_base_delay, Duration::from_millis(20));
    assert_eq!(custom.redis.url.expose_secret(), "redis://10.0.0.1:6380");

    assert!(matches!(
        Config::builder().build(),
        Err(ConfigError::Missing(_))
    ));
    assert!(matches!(
        required(Config::builder())
            .set("WEBHOOK_DEDUPE_WINDOW", "1h")
            .build(),
        Err(ConfigError::Invalid {
            var: "WEBHOOK_DEDUPE_WINDOW",
            ..
        })
    ));
    assert_eq!(
        required(Config::builder())
            .set("NO_SUCH_SETTING", "1")
            .build()
            .err(),
        Some(ConfigError::UnknownSetting("NO_SUCH_SETTING".into()))
    );
}

#[test]
fn the_idempotency_lease_covers_a_signup_requests_worst_case() {
    // (HUBSPOT_HTTP_TIMEOUT, REDIS_COMMAND_TIMEOUT, IDEMPOTENCY_LEASE, valid)
    let cases = [
        ("10s", "2s", "26s", true),
        ("10s", "2s", "30s", true),
        ("10s", "2s", "25s", false),
        ("5s", "500ms", "9s", true),
        ("5s", "500ms", "8500ms", false),
        ("2s", "3500ms", "30s", true),
        ("1s", "4s", "30s", false),
    ];
    for (http, redis, lease, valid) in cases {
        let mut args = valid_args();
        args.hubspot_http_timeout = http.into();
        args.redis.redis_command_timeout = redis.into();
        args.idempotency_lease = lease.into();
        assert_eq!(
            Config::from_args(&args).is_ok(),
            valid,
            "{http} {redis} {lease}"
        );
    }
}

#[test]
fn the_api_version_defaults_to_the_newest_and_reaches_the_client() {
    use crate::hubspot::ApiVersion;
    let config = Config::from_args(&valid_args()).expect("valid settings");
    assert_eq!(config.hubspot.api_version, ApiVersion::V2026_09);
    let mut args = valid_args();
    args.hubspot_api_version = "v3".into();
    let config = Config::from_args(&args).expect("valid settings");
    let endpoints = config.hubspot_endpoints();
    assert_eq!(endpoints.api_version, ApiVersion::V3);
    assert_eq!(endpoints.max_retry_wait, config.worker.retry_max_delay);
}
