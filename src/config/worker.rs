//! Settings of the background workers: pacing, leases, batches, horizons, quotas.

use std::time::Duration;

use super::setting::{optional, setting};
use super::values::{duration, number, number_in, positive_duration, quota};
use crate::hubspot::MAX_BATCH_INPUTS;
use crate::store::Quota;

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
    /// `profile` or `property`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "profile" => Ok(Self::Profile),
            "property" => Ok(Self::Property),
            _ => Err("expected `profile` or `property`".to_owned()),
        }
    }
}

/// How the workers pace, batch, retry and share HubSpot's quota.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerSettings {
    /// First retry delay; doubles per attempt (with jitter) up to RETRY_MAX_DELAY.
    #[arg(long, env = "RETRY_BASE_DELAY", default_value = "1s", value_parser = setting(positive_duration))]
    pub retry_base_delay: Duration,

    /// Longest retry delay.
    #[arg(long, env = "RETRY_MAX_DELAY", default_value = "5m", value_parser = setting(positive_duration))]
    pub retry_max_delay: Duration,

    /// How often idle background workers look for due work.
    #[arg(
        long = "worker-poll-interval",
        env = "WORKER_POLL_INTERVAL",
        value_name = "WORKER_POLL_INTERVAL",
        default_value = "250ms",
        value_parser = setting(positive_duration)
    )]
    pub poll_interval: Duration,

    /// Contact checks run at once per process.
    #[arg(
        long = "worker-concurrency",
        env = "WORKER_CONCURRENCY",
        value_name = "WORKER_CONCURRENCY",
        default_value = "4",
        value_parser = setting(|raw| number_in(raw, 1..=256_usize))
    )]
    pub concurrency: usize,

    /// Event consumers per process: each drains the event stream as its own
    /// member of the consumer group (raise it when the stream grows).
    #[arg(
        long,
        env = "EVENT_CONSUMERS",
        default_value = "4",
        value_parser = setting(|raw| number_in(raw, 1..=64_usize))
    )]
    pub event_consumers: usize,

    /// An event left unacknowledged this long by a consumer (crashed) is reclaimed.
    #[arg(long, env = "STREAM_CLAIM_IDLE", default_value = "60s", value_parser = setting(positive_duration))]
    pub stream_claim_idle: Duration,

    /// Deliveries of one stream entry before it is dead-lettered.
    #[arg(long, env = "STREAM_MAX_DELIVERIES", default_value = "5", value_parser = setting(deliveries))]
    pub stream_max_deliveries: u64,

    /// How long a claimed batch of signup checks (and their sends) is reserved to one worker.
    #[arg(long, env = "CHECK_LEASE", default_value = "60s", value_parser = setting(positive_duration))]
    pub check_lease: Duration,

    /// Most signups one check claims and confirms together (1 to 100).
    #[arg(
        long,
        env = "CHECK_BATCH_SIZE",
        default_value = "100",
        value_parser = setting(|raw| number_in(raw, 1..=MAX_BATCH_INPUTS))
    )]
    pub check_batch_size: usize,

    /// When more than half of the API quota is in use, how long a due check may wait for others to share its batch.
    #[arg(long, env = "CHECK_LINGER", default_value = "1s", value_parser = setting(duration))]
    pub check_linger: Duration,

    /// Wait after a Single Send answered `PENDING` before its send status is read (then doubling).
    #[arg(long, env = "SEND_STATUS_DELAY", default_value = "5s", value_parser = setting(positive_duration))]
    pub send_status_delay: Duration,

    /// Least time between two early checks of the signups whose contact is
    /// unseen, however many creation events of unknown contacts arrive:
    /// derived, `FIRST_CHECK_GRACE` (at least `RETRY_BASE_DELAY`).
    #[arg(skip)]
    pub early_check_interval: Duration,

    /// How a batch confirms that each signup's form submission landed: `profile` or `property`.
    #[arg(
        long,
        env = "FORM_CONFIRMATION",
        default_value = "profile",
        value_parser = setting(FormConfirmation::parse)
    )]
    pub form_confirmation: FormConfirmation,

    /// How much earlier than the signup a form submission may be stamped and still count as its own.
    #[arg(long, env = "FORM_CLOCK_SKEW", default_value = "30s", value_parser = setting(duration))]
    pub form_clock_skew: Duration,

    /// Least time between two verification emails to one contact (0s: none).
    #[arg(
        long = "contact-send-cooldown",
        env = "CONTACT_SEND_COOLDOWN",
        value_name = "CONTACT_SEND_COOLDOWN",
        default_value = "30s",
        value_parser = setting(duration)
    )]
    pub send_cooldown: Duration,

    /// How long a signup may wait for its contact, or its form submission, before it is dead-lettered.
    #[arg(long, env = "CONTACT_WAIT_HORIZON", default_value = "24h", value_parser = setting(positive_duration))]
    pub contact_wait_horizon: Duration,

    /// How long a signup's record is kept after its email went out or it was dead-lettered.
    #[arg(
        long = "signup-finished-ttl",
        env = "SIGNUP_FINISHED_TTL",
        value_name = "SIGNUP_FINISHED_TTL",
        default_value = "24h",
        value_parser = setting(positive_duration)
    )]
    pub finished_ttl: Duration,

    /// An open signup older than this is checked by the sweep against its horizons.
    #[arg(long, env = "SWEEP_AFTER", default_value = "10m", value_parser = setting(positive_duration))]
    pub sweep_after: Duration,

    /// How often the reconciliation sweep runs (one replica at a time).
    #[arg(long, env = "SWEEP_INTERVAL", default_value = "1m", value_parser = setting(positive_duration))]
    pub sweep_interval: Duration,

    /// HubSpot API calls allowed across all replicas, as N/duration.
    #[arg(
        long = "hubspot-api-rate-limit",
        env = "HUBSPOT_API_RATE_LIMIT",
        value_name = "HUBSPOT_API_RATE_LIMIT",
        default_value = "100/10s",
        value_parser = setting(|raw| quota(raw, "100/10s"))
    )]
    pub api_quota: Quota,

    /// Optional own limit of Single Send calls, as N/duration (HubSpot exempts them from the API quota).
    // It takes nothing from `api_quota`.
    #[arg(
        long = "single-send-rate-limit",
        env = "SINGLE_SEND_RATE_LIMIT",
        value_name = "SINGLE_SEND_RATE_LIMIT",
        default_value = "",
        hide_default_value = true,
        value_parser = optional(|raw| quota(raw, "10/1s, or empty for none"))
    )]
    pub send_quota: std::option::Option<Quota>,
}

fn deliveries(raw: &str) -> Result<u64, String> {
    match number(raw)? {
        0 => Err("must be at least 1".to_owned()),
        deliveries => Ok(deliveries),
    }
}
