//! How the webhook receiver checks and records deliveries.

use std::time::Duration;

use hubspot_signature::SignaturePolicy;

use super::setting::{optional, setting};
use super::values::{duration, http_url, number, switch};

/// HubSpot retries a webhook for up to 24 hours; the dedupe window must outlast that.
pub const MIN_DEDUPE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// How the webhook receiver checks and records deliveries.
#[derive(Debug, Clone, clap::Args)]
pub struct WebhookReceiverSettings {
    /// Scheme, host and path HubSpot calls (the app's target URL); v2/v3 sign it,
    /// with the request's query string appended. Unset: derived from the request.
    // Kept exactly as configured: HubSpot signs the target URL as registered.
    #[arg(
        long = "webhook-public-url",
        env = "WEBHOOK_PUBLIC_URL",
        value_name = "WEBHOOK_PUBLIC_URL",
        default_value = "",
        hide_default_value = true,
        value_parser = optional(public_url)
    )]
    pub public_url: std::option::Option<String>,

    /// `v3-only`, or `any` (v3 when present, else v1/v2; only for senders without v3).
    #[arg(
        long = "hubspot-signature-policy",
        env = "HUBSPOT_SIGNATURE_POLICY",
        value_name = "HUBSPOT_SIGNATURE_POLICY",
        default_value = "v3-only",
        value_parser = setting(signature_policy)
    )]
    pub signature_policy: SignaturePolicy,

    /// Reconstruct the signed URL from X-Forwarded-Proto/-Host (only behind a proxy you trust).
    #[arg(
        long,
        env = "TRUST_FORWARDED_HEADERS",
        default_value = "false",
        action = clap::ArgAction::Set,
        value_parser = setting(switch)
    )]
    pub trust_forwarded_headers: bool,

    /// Largest webhook body accepted, in bytes; larger gets 413.
    #[arg(
        long = "webhook-max-body-bytes",
        env = "WEBHOOK_MAX_BODY_BYTES",
        value_name = "WEBHOOK_MAX_BODY_BYTES",
        default_value = "1048576",
        value_parser = setting(max_body_bytes)
    )]
    pub max_body_bytes: usize,

    /// How long an event identity counts as seen (must exceed HubSpot's 24 h retry horizon).
    #[arg(
        long = "webhook-dedupe-window",
        env = "WEBHOOK_DEDUPE_WINDOW",
        value_name = "WEBHOOK_DEDUPE_WINDOW",
        default_value = "72h",
        value_parser = setting(dedupe_window)
    )]
    pub dedupe_window: Duration,
}

/// Scheme, host and path only, as given (without the blanks around it).
fn public_url(raw: &str) -> Result<String, String> {
    let url = http_url(raw)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(
            "give scheme, host and path only; the request's query string is appended".to_owned(),
        );
    }
    Ok(raw.trim().to_owned())
}

fn signature_policy(raw: &str) -> Result<SignaturePolicy, String> {
    match raw.trim() {
        "any" => Ok(SignaturePolicy::Any),
        "v3-only" => Ok(SignaturePolicy::V3Only),
        _ => Err("expected `any` or `v3-only`".to_owned()),
    }
}

fn max_body_bytes(raw: &str) -> Result<usize, String> {
    match number(raw)? {
        0 => Err("must be greater than zero".to_owned()),
        bytes => Ok(bytes),
    }
}

fn dedupe_window(raw: &str) -> Result<Duration, String> {
    let window = duration(raw)?;
    if window <= MIN_DEDUPE_WINDOW {
        return Err("must exceed HubSpot's 24h retry horizon (e.g. 72h)".to_owned());
    }
    Ok(window)
}
