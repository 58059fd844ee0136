//! The reactor's configuration for a demo run: wired to the simulator, on the
//! demo's Redis key prefix, with its quotas and timers compressed by the same
//! time scale as HubSpot's delays.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use secrecy::SecretString;
use url::Url;

use super::hubspot::{VERIFICATION_EMAIL_ID, access_token};
use super::options::DemoOptions;
use crate::config::{Config, SettingsArgs};
use crate::domain::PortalId;
use crate::store::Quota;
use hubspot_simulator::{DEFAULT_FORM_GUID, Profile, SimConfig};

/// Shortest timer the reactor gets, however compressed the run.
const FLOOR: Duration = Duration::from_millis(10);

const HOUR: Duration = Duration::from_secs(3600);

/// A duration in whole milliseconds (a compressed timer's float error dropped).
fn whole_millis(duration: Duration) -> Duration {
    Duration::from_millis(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
}

/// The reactor's settings for a run against a simulator at `sim_base_url`:
/// the documented defaults, with HubSpot's quotas and the reactor's timers
/// compressed by the run's time scale. The friendly run uses most of the
/// simulated account's 190 calls per 10 s and shorter timers; a stressed
/// profile (`--stress unkind`) runs the shipped defaults (100 calls per 10 s,
/// the default grace, back-off ceiling, poll interval and concurrency).
pub fn reactor_config(
    options: &DemoOptions,
    sim: &SimConfig,
    sim_base_url: &str,
    key_prefix: &str,
    signup_token: &str,
) -> anyhow::Result<Config> {
    let scaled =
        |secs: u64| whole_millis(options.scaled_at_least(Duration::from_secs(secs), FLOOR));
    let quota = |max: u32| Quota {
        max,
        window: scaled(10),
    };
    let shipped = options.profile != Profile::Friendly;
    let (api_quota, grace, max_delay, concurrency, poll) = if shipped {
        let poll = options.scaled_at_least(Duration::from_millis(250), FLOOR);
        (quota(100), scaled(3), scaled(300), 4, whole_millis(poll))
    } else {
        // Under the simulated account's 190 per 10 s, with headroom.
        (quota(170), scaled(2), scaled(60), 8, FLOOR)
    };
    let sim_url = Url::parse(sim_base_url).context("the simulator's URL")?;
    let mut settings = SettingsArgs {
        listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        signup_api_token: Some(SecretString::from(signup_token.to_owned())),
        ..SettingsArgs::default()
    };
    let redis = &mut settings.redis;
    redis.redis_url = SecretString::from(options.redis()?.to_owned());
    redis.redis_key_prefix = key_prefix.to_owned();
    let hubspot = &mut settings.hubspot;
    hubspot.hubspot_client_secret = Some(SecretString::from(sim.client_secret.clone()));
    hubspot.hubspot_access_token = Some(SecretString::from(access_token(sim)?));
    hubspot.hubspot_portal_id = Some(PortalId::new(sim.portal_id)?);
    hubspot.hubspot_signup_form_guid = Some(DEFAULT_FORM_GUID.to_owned());
    hubspot.hubspot_verification_email_id = Some(VERIFICATION_EMAIL_ID);
    hubspot.hubspot_api_base_url = sim_url.clone();
    hubspot.hubspot_forms_base_url = sim_url;
    let signup = &mut settings.signup;
    signup.pending_ttl = 3 * HOUR;
    signup.idempotency_ttl = HOUR;
    signup.forms_retry_horizon = HOUR;
    // HubSpot's Forms limit (50 per 10 s), compressed like the simulator's.
    signup.forms_quota = quota(50);
    signup.first_check_grace = grace;
    let worker = &mut settings.worker;
    worker.api_quota = api_quota;
    worker.retry_base_delay = scaled(1);
    worker.retry_max_delay = max_delay;
    worker.poll_interval = poll;
    worker.concurrency = concurrency;
    worker.stream_claim_idle = Duration::from_secs(30);
    worker.check_lease = Duration::from_secs(60);
    worker.contact_wait_horizon = HOUR;
    worker.finished_ttl = HOUR;
    worker.check_linger = scaled(2);
    worker.send_status_delay = scaled(5);
    // Past the longest Forms attempt (26 s at the default timeouts).
    worker.sweep_after = Duration::from_secs(30);
    worker.sweep_interval = scaled(60);
    Config::from_args(&settings).context("the demo's reactor configuration is invalid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_and_quotas_follow_the_time_scale() {
        let options = DemoOptions {
            redis_url: Some("redis://127.0.0.1:6379".to_owned()),
            ..DemoOptions::default()
        };
        let sim = SimConfig::default();
        let config =
            reactor_config(&options, &sim, "http://127.0.0.1:1", "sr-demo:x:", "token").unwrap();
        assert_eq!(config.signup.forms_quota.window, Duration::from_millis(200));
        assert_eq!(config.worker.sweep_after, Duration::from_secs(30));
        assert_eq!(config.worker.retry_base_delay, Duration::from_millis(20));
        assert_eq!(config.worker.check_linger, Duration::from_millis(40));
        assert_eq!(config.worker.send_status_delay, Duration::from_millis(100));
        assert_eq!(config.redis.key_prefix, "sr-demo:x:");
        assert_eq!(config.hubspot.portal_id.get(), sim.portal_id);
    }

    #[test]
    fn the_unkind_profile_runs_the_shipped_defaults_compressed() {
        let options = DemoOptions {
            redis_url: Some("redis://127.0.0.1:6379".to_owned()),
            profile: Profile::Unkind,
            ..DemoOptions::default()
        };
        let sim = SimConfig::default();
        let config =
            reactor_config(&options, &sim, "http://127.0.0.1:1", "sr-demo:x:", "token").unwrap();
        assert_eq!(config.worker.api_quota.max, 100);
        assert_eq!(config.worker.api_quota.window, Duration::from_millis(200));
        assert_eq!(config.worker.retry_max_delay, Duration::from_secs(6));
        assert_eq!(config.signup.first_check_grace, Duration::from_millis(60));
    }
}
