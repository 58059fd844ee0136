//! The whole configuration: every part's settings, parsed once at start-up
//! from [`SettingsArgs`], and checked against each other.

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;

use super::args::SettingsArgs;
use super::error::{ConfigError, required};
use super::hubspot::HubSpotSettings;
use super::log_format::LogFormat;
use super::signup::SignupSettings;
use super::webhook::WebhookSettings;
use super::worker::WorkerSettings;
use crate::hubspot::HubSpotEndpoints;
use crate::store::RedisSettings;

/// Everything the reactor needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen_addr: SocketAddr,
    /// Deadline for a client to send its request head, and again its body.
    pub http_read_timeout: Duration,
    pub redis: RedisSettings,
    pub hubspot: HubSpotSettings,
    pub webhook: WebhookSettings,
    pub signup_api_token: SecretString,
    pub signup: SignupSettings,
    pub worker: WorkerSettings,
    pub log_format: LogFormat,
}

impl Config {
    /// The configuration the settings make: every required one set, the
    /// derived ones computed, and the relations between them checked.
    pub fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let redis = args.redis.settings()?;
        let hubspot = args.hubspot.settings()?;
        let signup_api_token = required("SIGNUP_API_TOKEN", &args.signup_api_token)?;
        let mut signup = args.signup.clone();
        signup.forms_retry_lease =
            Self::forms_attempt_limit(hubspot.http_timeout, redis.command_timeout);
        let mut worker = args.worker.clone();
        worker.early_check_interval = signup.first_check_grace.max(worker.retry_base_delay);
        let config = Self {
            listen_addr: args.listen_addr,
            http_read_timeout: args.http_read_timeout,
            redis,
            hubspot,
            webhook: args.webhook.clone(),
            signup_api_token,
            signup,
            worker,
            log_format: args.log_format,
        };
        config.check_orders()?;
        config.check_horizons()?;
        config.check_relations()?;
        Ok(config)
    }

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
