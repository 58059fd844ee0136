//! Typed, validated settings. Parsed once at start-up: a missing or malformed
//! value stops the process with an error that names the variable.

mod args;
mod builder;
mod parse;
mod quota;
mod redis;
mod relations;
mod worker;

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

pub use args::{RedisArgs, SettingsArgs};
pub use builder::ConfigBuilder;
pub use parse::ConfigError;
pub use quota::Quota;
pub use redis::{ClusterMode, RedisSettings, redacted_url};
pub use relations::{REDIS_CALLS_PER_CHECK, REDIS_CALLS_PER_FORMS_ATTEMPT, REDIS_CALLS_PER_SIGNUP};
pub use worker::{FormConfirmation, MAX_CHECK_BATCH, WorkerSettings};

use crate::domain::PortalId;
use crate::hubspot::{ApiVersion, HubSpotEndpoints};

use hubspot_signature::SignaturePolicy;
use parse::{
    parse_bool, parse_duration, parse_number, parse_url, positive_duration, required, secret,
};

/// HubSpot retries a webhook for up to 24 hours; the dedupe window must outlast that.
pub const MIN_DEDUPE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Everything the reactor needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen_addr: SocketAddr,
    /// Deadline for a client to send its request head, and again its body.
    pub http_read_timeout: Duration,
    pub redis: RedisSettings,
    pub hubspot: HubSpotSettings,
    pub webhook: WebhookReceiverSettings,
    pub signup_api_token: SecretString,
    pub signup: SignupSettings,
    pub worker: WorkerSettings,
    pub log_format: LogFormat,
}

/// How signups are kept and their Forms submissions retried.
#[derive(Debug, Clone)]
pub struct SignupSettings {
    pub pending_ttl: Duration,
    pub idempotency_ttl: Duration,
    /// How long an `Idempotency-Key` stays "in progress" without an answer:
    /// longer than a request can take, far shorter than `idempotency_ttl`.
    pub idempotency_lease: Duration,
    pub forms_quota: Quota,
    pub forms_retry_horizon: Duration,
    /// How long a claimed Forms retry stays invisible to other workers:
    /// derived, the longest one Forms attempt can take.
    pub forms_retry_lease: Duration,
    /// Wait before a submitted signup's first check.
    pub first_check_grace: Duration,
    /// Signups one address may make in 24 hours (0: no ceiling).
    pub emails_per_address_per_day: u32,
}

/// The HubSpot account and app the reactor works for.
#[derive(Debug, Clone)]
pub struct HubSpotSettings {
    pub client_secret: SecretString,
    pub access_token: SecretString,
    pub portal_id: PortalId,
    pub signup_form_guid: String,
    pub verification_email_id: u64,
    pub api_base_url: Url,
    pub forms_base_url: Url,
    pub api_version: ApiVersion,
    pub forms_authenticated: bool,
    pub http_timeout: Duration,
}

/// How the webhook receiver checks and records deliveries.
#[derive(Debug, Clone)]
pub struct WebhookReceiverSettings {
    /// Exactly as configured (HubSpot signs the target URL as registered).
    pub public_url: Option<String>,
    pub signature_policy: SignaturePolicy,
    pub trust_forwarded_headers: bool,
    pub max_body_bytes: usize,
    pub dedupe_window: Duration,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// Parses and validates the raw settings.
    pub fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let listen_addr = args.listen_addr.trim().parse().map_err(|_| {
            ConfigError::invalid("LISTEN_ADDR", "expected host:port, e.g. 0.0.0.0:8080")
        })?;
        let config = Self {
            listen_addr,
            http_read_timeout: positive_duration("HTTP_READ_TIMEOUT", &args.http_read_timeout)?,
            redis: RedisSettings::from_args(&args.redis)?,
            hubspot: HubSpotSettings::from_args(args)?,
            webhook: WebhookReceiverSettings::from_args(args)?,
            signup_api_token: secret("SIGNUP_API_TOKEN", &args.signup_api_token)?,
            signup: SignupSettings::from_args(args)?,
            worker: WorkerSettings::from_args(args)?,
            log_format: LogFormat::parse(&args.log_format)?,
        };
        config.check_horizons()?;
        config.check_relations()?;
        Ok(config)
    }

    /// Relations between settings: a lease must outlast the calls made under
    /// it, and a pending record must outlive every horizon it can wait through
    /// (so a signup ends as a dead letter, never as a silent expiry).
    pub fn check_horizons(&self) -> Result<(), ConfigError> {
        let lease = self.worker.check_lease;
        let calls = self.hubspot.http_timeout * CALLS_PER_LEASE;
        if lease < calls {
            return Err(ConfigError::invalid(
                "CHECK_LEASE",
                "must be at least 4 times HUBSPOT_HTTP_TIMEOUT (a check makes up to 4 calls in a row)",
            ));
        }
        let horizons = self.signup.forms_retry_horizon + self.worker.contact_wait_horizon;
        if self.signup.pending_ttl
            <= horizons + self.worker.sweep_after + self.worker.sweep_interval
        {
            return Err(ConfigError::invalid(
                "SIGNUP_PENDING_TTL",
                "must exceed FORMS_RETRY_HORIZON + CONTACT_WAIT_HORIZON + SWEEP_AFTER + SWEEP_INTERVAL",
            ));
        }
        Ok(())
    }
}

/// HubSpot calls a check can make one after another under one lease: the
/// batch read, the confirmation, the send and its status.
pub const CALLS_PER_LEASE: u32 = 4;

impl Config {
    /// How the HubSpot client connects: the one place its settings are assembled.
    /// Waits HubSpot asks for are bounded by `RETRY_MAX_DELAY`.
    pub fn hubspot_endpoints(&self) -> HubSpotEndpoints {
        HubSpotEndpoints {
            api_base_url: self.hubspot.api_base_url.clone(),
            forms_base_url: self.hubspot.forms_base_url.clone(),
            access_token: self.hubspot.access_token.clone(),
            timeout: self.hubspot.http_timeout,
            api_version: self.hubspot.api_version,
            max_retry_wait: self.worker.retry_max_delay,
        }
    }
}

impl HubSpotSettings {
    fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let portal = required("HUBSPOT_PORTAL_ID", &args.hubspot_portal_id)?;
        let portal_id = PortalId::parse(portal)
            .map_err(|e| ConfigError::invalid("HUBSPOT_PORTAL_ID", &e.to_string()))?;
        let guid = required("HUBSPOT_SIGNUP_FORM_GUID", &args.hubspot_signup_form_guid)?;
        let guid_ok = guid.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if !guid_ok {
            return Err(ConfigError::invalid(
                "HUBSPOT_SIGNUP_FORM_GUID",
                "expected a form GUID such as 0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f",
            ));
        }
        let email_id = required(
            "HUBSPOT_VERIFICATION_EMAIL_ID",
            &args.hubspot_verification_email_id,
        )?;
        Ok(Self {
            client_secret: secret("HUBSPOT_CLIENT_SECRET", &args.hubspot_client_secret)?,
            access_token: secret("HUBSPOT_ACCESS_TOKEN", &args.hubspot_access_token)?,
            portal_id,
            signup_form_guid: guid.to_ascii_lowercase(),
            verification_email_id: parse_number("HUBSPOT_VERIFICATION_EMAIL_ID", email_id)?,
            api_base_url: parse_url("HUBSPOT_API_BASE_URL", &args.hubspot_api_base_url)?,
            forms_base_url: parse_url("HUBSPOT_FORMS_BASE_URL", &args.hubspot_forms_base_url)?,
            api_version: args.hubspot_api_version.parse().map_err(|_| {
                ConfigError::invalid(
                    "HUBSPOT_API_VERSION",
                    "expected `2026-09`, `2026-03` or `v3`",
                )
            })?,
            forms_authenticated: parse_bool(
                "HUBSPOT_FORMS_AUTHENTICATED",
                &args.hubspot_forms_authenticated,
            )?,
            http_timeout: positive_duration("HUBSPOT_HTTP_TIMEOUT", &args.hubspot_http_timeout)?,
        })
    }
}

impl WebhookReceiverSettings {
    fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let public_url = match args.webhook_public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => {
                let url = parse_url("WEBHOOK_PUBLIC_URL", raw)?;
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(ConfigError::invalid(
                        "WEBHOOK_PUBLIC_URL",
                        "give scheme, host and path only; the request's query string is appended",
                    ));
                }
                Some(raw.to_owned())
            }
        };
        let signature_policy = match args.hubspot_signature_policy.trim() {
            "any" => SignaturePolicy::Any,
            "v3-only" => SignaturePolicy::V3Only,
            _ => {
                return Err(ConfigError::invalid(
                    "HUBSPOT_SIGNATURE_POLICY",
                    "expected `any` or `v3-only`",
                ));
            }
        };
        let max_body_bytes: usize =
            parse_number("WEBHOOK_MAX_BODY_BYTES", &args.webhook_max_body_bytes)?;
        if max_body_bytes == 0 {
            return Err(ConfigError::invalid(
                "WEBHOOK_MAX_BODY_BYTES",
                "must be greater than zero",
            ));
        }
        let dedupe_window = parse_duration("WEBHOOK_DEDUPE_WINDOW", &args.webhook_dedupe_window)?;
        if dedupe_window <= MIN_DEDUPE_WINDOW {
            return Err(ConfigError::invalid(
                "WEBHOOK_DEDUPE_WINDOW",
                "must exceed HubSpot's 24h retry horizon (e.g. 72h)",
            ));
        }
        Ok(Self {
            public_url,
            signature_policy,
            trust_forwarded_headers: parse_bool(
                "TRUST_FORWARDED_HEADERS",
                &args.trust_forwarded_headers,
            )?,
            max_body_bytes,
            dedupe_window,
        })
    }
}

impl SignupSettings {
    fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let forms_quota = Quota::parse(&args.forms_rate_limit).ok_or_else(|| {
            ConfigError::invalid("FORMS_RATE_LIMIT", "expected N/duration, e.g. 50/10s")
        })?;
        let idempotency_ttl = positive_duration("IDEMPOTENCY_TTL", &args.idempotency_ttl)?;
        let idempotency_lease = positive_duration("IDEMPOTENCY_LEASE", &args.idempotency_lease)?;
        if idempotency_lease > idempotency_ttl {
            return Err(ConfigError::invalid(
                "IDEMPOTENCY_LEASE",
                "must not exceed IDEMPOTENCY_TTL",
            ));
        }
        Ok(Self {
            pending_ttl: positive_duration("SIGNUP_PENDING_TTL", &args.signup_pending_ttl)?,
            idempotency_ttl,
            idempotency_lease,
            forms_quota,
            forms_retry_horizon: positive_duration(
                "FORMS_RETRY_HORIZON",
                &args.forms_retry_horizon,
            )?,
            forms_retry_lease: relations::forms_attempt_limit(args)?,
            first_check_grace: parse_duration("FIRST_CHECK_GRACE", &args.first_check_grace)?,
            emails_per_address_per_day: parse_number(
                "SIGNUP_EMAILS_PER_ADDRESS_PER_DAY",
                &args.signup_emails_per_address_per_day,
            )?,
        })
    }
}

impl LogFormat {
    fn parse(raw: &str) -> Result<Self, ConfigError> {
        match raw.trim() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err(ConfigError::invalid(
                "LOG_FORMAT",
                "expected `text` or `json`",
            )),
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
