//! Settings of the background workers: pacing, leases, horizons, quotas.

use std::time::Duration;

use super::SettingsArgs;
use super::parse::{ConfigError, parse_number, positive_duration};
use crate::store::Quota;

/// How the workers pace, retry and share HubSpot's quota.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
    pub poll_interval: Duration,
    pub concurrency: usize,
    pub stream_claim_idle: Duration,
    pub stream_max_deliveries: u64,
    pub check_lease: Duration,
    pub contact_wait_horizon: Duration,
    pub contact_state_ttl: Duration,
    pub sweep_after: Duration,
    pub sweep_interval: Duration,
    pub api_quota: Quota,
}

impl WorkerSettings {
    pub(super) fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let retry_base_delay = positive_duration("RETRY_BASE_DELAY", &args.retry_base_delay)?;
        let retry_max_delay = positive_duration("RETRY_MAX_DELAY", &args.retry_max_delay)?;
        if retry_max_delay < retry_base_delay {
            return Err(ConfigError::invalid(
                "RETRY_MAX_DELAY",
                "must not be shorter than RETRY_BASE_DELAY",
            ));
        }
        let concurrency: usize = parse_number("WORKER_CONCURRENCY", &args.worker_concurrency)?;
        if !(1..=256).contains(&concurrency) {
            return Err(ConfigError::invalid(
                "WORKER_CONCURRENCY",
                "expected 1 to 256",
            ));
        }
        let stream_max_deliveries: u64 =
            parse_number("STREAM_MAX_DELIVERIES", &args.stream_max_deliveries)?;
        if stream_max_deliveries == 0 {
            return Err(ConfigError::invalid(
                "STREAM_MAX_DELIVERIES",
                "must be at least 1",
            ));
        }
        let api_quota = Quota::parse(&args.hubspot_api_rate_limit).ok_or_else(|| {
            ConfigError::invalid(
                "HUBSPOT_API_RATE_LIMIT",
                "expected N/duration, e.g. 100/10s",
            )
        })?;
        Ok(Self {
            retry_base_delay,
            retry_max_delay,
            poll_interval: positive_duration("WORKER_POLL_INTERVAL", &args.worker_poll_interval)?,
            concurrency,
            stream_claim_idle: positive_duration("STREAM_CLAIM_IDLE", &args.stream_claim_idle)?,
            stream_max_deliveries,
            check_lease: positive_duration("CHECK_LEASE", &args.check_lease)?,
            contact_wait_horizon: positive_duration(
                "CONTACT_WAIT_HORIZON",
                &args.contact_wait_horizon,
            )?,
            contact_state_ttl: positive_duration("CONTACT_STATE_TTL", &args.contact_state_ttl)?,
            sweep_after: positive_duration("SWEEP_AFTER", &args.sweep_after)?,
            sweep_interval: positive_duration("SWEEP_INTERVAL", &args.sweep_interval)?,
            api_quota,
        })
    }
}
