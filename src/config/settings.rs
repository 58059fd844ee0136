//! The whole configuration: every part's settings, as the reactor runs with
//! them.

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;

use super::hubspot::HubSpotSettings;
use super::log_format::LogFormat;
use super::signup::SignupSettings;
use super::webhook::WebhookReceiverSettings;
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
    pub webhook: WebhookReceiverSettings,
    pub signup_api_token: SecretString,
    pub signup: SignupSettings,
    pub worker: WorkerSettings,
    pub log_format: LogFormat,
}

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
