//! Settings of the background workers: pacing, leases, batches, horizons, quotas.

use std::time::Duration;

use super::Quota;
use super::SettingsArgs;
use super::parse::{ConfigError, parse_duration, parse_number, positive_duration};

/// HubSpot accepts at most this many inputs per batch call.
pub const MAX_CHECK_BATCH: usize = 100;

/// How a batch of signups confirms that each one's form submission landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormConfirmation {
    /// One legacy batch profile call (`formSubmissionMode=all`) per batch:
    /// documented format with timestamps; one extra rate-limited call.
    Profile,
    /// The batch read's `hs_calculated_form_submissions` property: no extra
    /// call, but its format is UNCONFIRMED.
    Property,
}

impl FormConfirmation {
    fn parse(raw: &str) -> Result<Self, ConfigError> {
        match raw.trim() {
            "profile" => Ok(Self::Profile),
            "property" => Ok(Self::Property),
            _ => Err(ConfigError::invalid(
                "FORM_CONFIRMATION",
                "expected `profile` or `property`",
            )),
        }
    }
}

/// How the workers pace, batch, retry and share HubSpot's quota.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
    pub poll_interval: Duration,
    pub concurrency: usize,
    /// Event consumers per process (`EVENT_CONSUMERS`): each drains the
    /// stream's partitions as its own member of the consumer group.
    pub event_consumers: usize,
    pub stream_claim_idle: Duration,
    pub stream_max_deliveries: u64,
    pub check_lease: Duration,
    pub check_batch_size: usize,
    /// How long a due check may wait to fill its batch while the quota is scarce.
    pub check_linger: Duration,
    /// First wait before a `PENDING` send's status is read.
    pub send_status_delay: Duration,
    /// Least time between two early checks of the signups whose contact is
    /// unseen, however many creation events of unknown contacts arrive:
    /// `FIRST_CHECK_GRACE` (at least `RETRY_BASE_DELAY`).
    pub early_check_interval: Duration,
    pub form_confirmation: FormConfirmation,
    pub form_clock_skew: Duration,
    pub send_cooldown: Duration,
    pub contact_wait_horizon: Duration,
    pub finished_ttl: Duration,
    pub sweep_after: Duration,
    pub sweep_interval: Duration,
    pub api_quota: Quota,
    /// Single Send's own limit, if any (it takes nothing from `api_quota`).
    pub send_quota: Option<Quota>,
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
        let event_consumers: usize = parse_number("EVENT_CONSUMERS", &args.event_consumers)?;
        if !(1..=64).contains(&event_consumers) {
            return Err(ConfigError::invalid("EVENT_CONSUMERS", "expected 1 to 64"));
        }
        let stream_max_deliveries: u64 =
            parse_number("STREAM_MAX_DELIVERIES", &args.stream_max_deliveries)?;
        if stream_max_deliveries == 0 {
            return Err(ConfigError::invalid(
                "STREAM_MAX_DELIVERIES",
                "must be at least 1",
            ));
        }
        let check_batch_size: usize = parse_number("CHECK_BATCH_SIZE", &args.check_batch_size)?;
        if !(1..=MAX_CHECK_BATCH).contains(&check_batch_size) {
            return Err(ConfigError::invalid(
                "CHECK_BATCH_SIZE",
                "expected 1 to 100",
            ));
        }
        let api_quota = Quota::parse(&args.hubspot_api_rate_limit).ok_or_else(|| {
            ConfigError::invalid(
                "HUBSPOT_API_RATE_LIMIT",
                "expected N/duration, e.g. 100/10s",
            )
        })?;
        let send_quota = match args.single_send_rate_limit.trim() {
            "" => None,
            raw => Some(Quota::parse(raw).ok_or_else(|| {
                ConfigError::invalid(
                    "SINGLE_SEND_RATE_LIMIT",
                    "expected N/duration, e.g. 10/1s, or empty for none",
                )
            })?),
        };
        Ok(Self {
            retry_base_delay,
            retry_max_delay,
            poll_interval: positive_duration("WORKER_POLL_INTERVAL", &args.worker_poll_interval)?,
            concurrency,
            event_consumers,
            stream_claim_idle: positive_duration("STREAM_CLAIM_IDLE", &args.stream_claim_idle)?,
            stream_max_deliveries,
            check_lease: positive_duration("CHECK_LEASE", &args.check_lease)?,
            check_batch_size,
            check_linger: parse_duration("CHECK_LINGER", &args.check_linger)?,
            send_status_delay: positive_duration("SEND_STATUS_DELAY", &args.send_status_delay)?,
            early_check_interval: parse_duration("FIRST_CHECK_GRACE", &args.first_check_grace)?
                .max(retry_base_delay),
            form_confirmation: FormConfirmation::parse(&args.form_confirmation)?,
            form_clock_skew: parse_duration("FORM_CLOCK_SKEW", &args.form_clock_skew)?,
            send_cooldown: parse_duration("CONTACT_SEND_COOLDOWN", &args.contact_send_cooldown)?,
            contact_wait_horizon: positive_duration(
                "CONTACT_WAIT_HORIZON",
                &args.contact_wait_horizon,
            )?,
            finished_ttl: positive_duration("SIGNUP_FINISHED_TTL", &args.signup_finished_ttl)?,
            sweep_after: positive_duration("SWEEP_AFTER", &args.sweep_after)?,
            sweep_interval: positive_duration("SWEEP_INTERVAL", &args.sweep_interval)?,
            api_quota,
            send_quota,
        })
    }
}
