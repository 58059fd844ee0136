//! The reactor's configuration for a demo run: wired to the simulator, on the
//! demo's Redis key prefix, with its quotas and timers compressed by the same
//! time scale as HubSpot's delays.

use std::time::Duration;

use anyhow::Context;

use super::hubspot::{VERIFICATION_EMAIL_ID, access_token};
use super::options::DemoOptions;
use crate::config::Config;
use hubspot_simulator::{DEFAULT_FORM_GUID, Profile, SimConfig};

/// Shortest timer the reactor gets, however compressed the run.
const FLOOR: Duration = Duration::from_millis(10);

/// A duration as a setting's value.
fn millis(duration: Duration) -> String {
    format!("{}ms", duration.as_millis())
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
    let scaled = |secs: u64| millis(options.scaled_at_least(Duration::from_secs(secs), FLOOR));
    let quota = |max: u32| format!("{max}/{}", scaled(10));
    let shipped = options.profile != Profile::Friendly;
    let (api_quota, grace, max_delay, concurrency, poll) = if shipped {
        let poll = options.scaled_at_least(Duration::from_millis(250), FLOOR);
        (quota(100), scaled(3), scaled(300), "4", millis(poll))
    } else {
        // Under the simulated account's 190 per 10 s, with headroom.
        (quota(170), scaled(2), scaled(60), "8", millis(FLOOR))
    };
    Config::builder()
        .set("LISTEN_ADDR", "127.0.0.1:0")
        .set("REDIS_URL", options.redis()?)
        .set("REDIS_KEY_PREFIX", key_prefix)
        .set("HUBSPOT_CLIENT_SECRET", sim.client_secret.clone())
        .set("HUBSPOT_ACCESS_TOKEN", access_token(sim)?)
        .set("HUBSPOT_PORTAL_ID", sim.portal_id.to_string())
        .set("HUBSPOT_SIGNUP_FORM_GUID", DEFAULT_FORM_GUID)
        .set(
            "HUBSPOT_VERIFICATION_EMAIL_ID",
            VERIFICATION_EMAIL_ID.to_string(),
        )
        .set("HUBSPOT_API_BASE_URL", sim_base_url)
        .set("HUBSPOT_FORMS_BASE_URL", sim_base_url)
        .set("SIGNUP_API_TOKEN", signup_token)
        .set("SIGNUP_PENDING_TTL", "3h")
        .set("IDEMPOTENCY_TTL", "1h")
        .set("FORMS_RETRY_HORIZON", "1h")
        // HubSpot's Forms limit (50 per 10 s), compressed like the simulator's.
        .set("FORMS_RATE_LIMIT", quota(50))
        .set("HUBSPOT_API_RATE_LIMIT", api_quota)
        .set("RETRY_BASE_DELAY", scaled(1))
        .set("RETRY_MAX_DELAY", max_delay)
        .set("WORKER_POLL_INTERVAL", poll)
        .set("WORKER_CONCURRENCY", concurrency)
        .set("STREAM_CLAIM_IDLE", "30s")
        .set("CHECK_LEASE", "60s")
        .set("CONTACT_WAIT_HORIZON", "1h")
        .set("SIGNUP_FINISHED_TTL", "1h")
        .set("FIRST_CHECK_GRACE", grace)
        .set("CHECK_LINGER", scaled(2))
        .set("SEND_STATUS_DELAY", scaled(5))
        // Past the longest Forms attempt (26 s at the default timeouts).
        .set("SWEEP_AFTER", "30s")
        .set("SWEEP_INTERVAL", scaled(60))
        .build()
        .context("the demo's reactor configuration is invalid")
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
