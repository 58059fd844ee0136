//! The reactor's configuration for a demo run: wired to the simulator, on the
//! demo's Redis key prefix, with its quotas and timers compressed by the same
//! time scale as HubSpot's delays.

use std::time::Duration;

use anyhow::Context;
use secrecy::SecretString;

use super::hubspot::{VERIFICATION_EMAIL_ID, access_token};
use super::options::DemoOptions;
use crate::config::{
    Config, FormConfirmation, HubSpotSettings, LogFormat, RedisSettings, SignupSettings,
    WebhookSettings, WorkerSettings,
};
use crate::domain::PortalId;
use crate::store::Quota;
use crate::webhook::signature::SignaturePolicy;
use hubspot_simulator::{DEFAULT_FORM_GUID, SimConfig};

/// Shortest timer the reactor gets, however compressed the run.
const FLOOR: Duration = Duration::from_millis(10);

/// The reactor's settings for a run against a simulator at `sim_base_url`.
pub fn reactor_config(
    options: &DemoOptions,
    sim: &SimConfig,
    sim_base_url: &str,
    key_prefix: &str,
    signup_token: &str,
) -> anyhow::Result<Config> {
    let base: url::Url = sim_base_url
        .parse()
        .context("the simulator's address is not a URL")?;
    let scaled = |secs: u64| options.scaled_at_least(Duration::from_secs(secs), FLOOR);
    let quota = |max: u32| Quota {
        max,
        window: scaled(10),
    };
    Ok(Config {
        listen_addr: "127.0.0.1:0".parse().context("listen address")?,
        redis: RedisSettings {
            url: options.redis_url.clone(),
            key_prefix: key_prefix.to_owned(),
            command_timeout: Duration::from_secs(2),
        },
        hubspot: HubSpotSettings {
            client_secret: SecretString::from(sim.client_secret.clone()),
            access_token: SecretString::from(access_token(sim)?),
            portal_id: PortalId::new(sim.portal_id).context("portal id")?,
            signup_form_guid: DEFAULT_FORM_GUID.to_owned(),
            verification_email_id: VERIFICATION_EMAIL_ID,
            api_base_url: base.clone(),
            forms_base_url: base,
            api_version: Default::default(),
            forms_authenticated: false,
            http_timeout: Duration::from_secs(10),
        },
        webhook: WebhookSettings {
            public_url: None,
            signature_policy: SignaturePolicy::Any,
            trust_forwarded_headers: false,
            max_body_bytes: 1024 * 1024,
            dedupe_window: Duration::from_secs(72 * 3600),
        },
        signup_api_token: SecretString::from(signup_token.to_owned()),
        signup: SignupSettings {
            pending_ttl: Duration::from_secs(3600),
            idempotency_ttl: Duration::from_secs(3600),
            // HubSpot's Forms limit (50 per 10 s), compressed like the simulator's.
            forms_quota: quota(50),
            forms_retry_horizon: Duration::from_secs(3600),
            first_check_grace: scaled(2),
        },
        worker: WorkerSettings {
            retry_base_delay: scaled(1),
            retry_max_delay: scaled(60),
            poll_interval: FLOOR,
            concurrency: 8,
            stream_claim_idle: Duration::from_secs(30),
            stream_max_deliveries: 5,
            check_lease: Duration::from_secs(40),
            contact_wait_horizon: Duration::from_secs(3600),
            check_batch_size: 100,
            form_confirmation: FormConfirmation::Profile,
            form_clock_skew: Duration::from_secs(30),
            send_cooldown: Duration::ZERO,
            finished_ttl: Duration::from_secs(3600),
            sweep_after: scaled(600),
            sweep_interval: scaled(60),
            // Under the simulated account's 190 per 10 s, with headroom.
            api_quota: quota(170),
            send_quota: None,
        },
        log_format: LogFormat::Text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_and_quotas_follow_the_time_scale() {
        let options = DemoOptions::default();
        let sim = SimConfig::default();
        let config =
            reactor_config(&options, &sim, "http://127.0.0.1:1", "sr-demo:x:", "token").unwrap();
        assert_eq!(config.signup.forms_quota.window, Duration::from_millis(200));
        assert_eq!(config.worker.sweep_after, Duration::from_secs(12));
        assert_eq!(config.worker.retry_base_delay, Duration::from_millis(20));
        assert_eq!(config.redis.key_prefix, "sr-demo:x:");
        assert_eq!(config.hubspot.portal_id.get(), sim.portal_id);
    }
}
