//! The HubSpot account and app the reactor works for: its credentials and
//! ids (required, so `check` can name each one missing) and how its APIs are
//! reached.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::error::{ConfigError, required};
use super::setting::{optional, setting};
use super::values::{http_url, number, positive_duration, secret, switch};
use crate::domain::PortalId;
use crate::hubspot::ApiVersion;

/// The HubSpot settings as the command line and the environment give them;
/// the required ones may be missing here.
#[derive(Debug, Clone, clap::Args)]
pub struct HubSpotArgs {
    /// The app's client secret, which signs webhooks. Prefer the environment.
    #[arg(
        long,
        env = "HUBSPOT_CLIENT_SECRET",
        hide_env_values = true,
        default_value = "",
        hide_default_value = true,
        value_parser = optional(secret)
    )]
    pub hubspot_client_secret: std::option::Option<SecretString>,

    /// Private app or OAuth access token for CRM and Single Send. Prefer the environment.
    #[arg(
        long,
        env = "HUBSPOT_ACCESS_TOKEN",
        hide_env_values = true,
        default_value = "",
        hide_default_value = true,
        value_parser = optional(secret)
    )]
    pub hubspot_access_token: std::option::Option<SecretString>,

    /// The HubSpot account (portal) id; webhooks for other portals are ignored.
    #[arg(
        long,
        env = "HUBSPOT_PORTAL_ID",
        default_value = "",
        hide_default_value = true,
        value_parser = optional(|raw| PortalId::parse(raw).map_err(|e| e.to_string()))
    )]
    pub hubspot_portal_id: std::option::Option<PortalId>,

    /// The signup form's GUID.
    #[arg(
        long,
        env = "HUBSPOT_SIGNUP_FORM_GUID",
        default_value = "",
        hide_default_value = true,
        value_parser = optional(form_guid)
    )]
    pub hubspot_signup_form_guid: std::option::Option<String>,

    /// The transactional (verification) email's id.
    #[arg(
        long,
        env = "HUBSPOT_VERIFICATION_EMAIL_ID",
        default_value = "",
        hide_default_value = true,
        value_parser = optional(number::<u64>)
    )]
    pub hubspot_verification_email_id: std::option::Option<u64>,

    /// Base URL of the CRM and Single Send APIs.
    #[arg(
        long,
        env = "HUBSPOT_API_BASE_URL",
        default_value = "https://api.hubapi.com",
        value_parser = setting(http_url)
    )]
    pub hubspot_api_base_url: Url,

    /// Base URL of the Forms submission API.
    #[arg(
        long,
        env = "HUBSPOT_FORMS_BASE_URL",
        default_value = "https://api.hsforms.com",
        value_parser = setting(http_url)
    )]
    pub hubspot_forms_base_url: Url,

    /// API generation for CRM reads and Single Send: `2026-09`, `2026-03` or `v3`.
    #[arg(
        long,
        env = "HUBSPOT_API_VERSION",
        default_value = "2026-09",
        value_parser = setting(|raw| raw.parse::<ApiVersion>()
            .map_err(|_| "expected `2026-09`, `2026-03` or `v3`".to_owned()))
    )]
    pub hubspot_api_version: ApiVersion,

    /// Submit forms through `secure/submit` with the access token.
    #[arg(
        long,
        env = "HUBSPOT_FORMS_AUTHENTICATED",
        default_value = "false",
        action = clap::ArgAction::Set,
        value_parser = setting(switch)
    )]
    pub hubspot_forms_authenticated: bool,

    /// Time limit of one HubSpot API call.
    #[arg(
        long,
        env = "HUBSPOT_HTTP_TIMEOUT",
        default_value = "10s",
        value_parser = setting(positive_duration)
    )]
    pub hubspot_http_timeout: Duration,
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

impl HubSpotArgs {
    /// The settings, once every required one is there.
    pub(super) fn settings(&self) -> Result<HubSpotSettings, ConfigError> {
        Ok(HubSpotSettings {
            portal_id: required("HUBSPOT_PORTAL_ID", &self.hubspot_portal_id)?,
            signup_form_guid: required("HUBSPOT_SIGNUP_FORM_GUID", &self.hubspot_signup_form_guid)?,
            verification_email_id: required(
                "HUBSPOT_VERIFICATION_EMAIL_ID",
                &self.hubspot_verification_email_id,
            )?,
            client_secret: required("HUBSPOT_CLIENT_SECRET", &self.hubspot_client_secret)?,
            access_token: required("HUBSPOT_ACCESS_TOKEN", &self.hubspot_access_token)?,
            api_base_url: self.hubspot_api_base_url.clone(),
            forms_base_url: self.hubspot_forms_base_url.clone(),
            api_version: self.hubspot_api_version,
            forms_authenticated: self.hubspot_forms_authenticated,
            http_timeout: self.hubspot_http_timeout,
        })
    }
}

/// A form GUID, lower-cased.
fn form_guid(raw: &str) -> Result<String, String> {
    let guid = raw.trim();
    if !guid.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err("expected a form GUID such as 0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f".to_owned());
    }
    Ok(guid.to_ascii_lowercase())
}
