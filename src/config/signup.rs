//! How signups are kept and their Forms submissions retried.

use std::time::Duration;

use super::setting::setting;
use super::values::{duration, number, positive_duration, quota};
use crate::store::Quota;

/// How signups are kept and their Forms submissions retried.
#[derive(Debug, Clone, clap::Args)]
pub struct SignupSettings {
    /// How long a pending signup waits for its contact before it expires.
    #[arg(
        long = "signup-pending-ttl",
        env = "SIGNUP_PENDING_TTL",
        value_name = "SIGNUP_PENDING_TTL",
        default_value = "7d",
        value_parser = setting(positive_duration)
    )]
    pub pending_ttl: Duration,

    /// How long an `Idempotency-Key` on /v1/signups is remembered.
    #[arg(long, env = "IDEMPOTENCY_TTL", default_value = "24h", value_parser = setting(positive_duration))]
    pub idempotency_ttl: Duration,

    /// How long an `Idempotency-Key` stays "in progress" when its request never
    /// completes (a crash); must exceed HUBSPOT_HTTP_TIMEOUT.
    // Longer than a request can take, far shorter than `idempotency_ttl`.
    #[arg(long, env = "IDEMPOTENCY_LEASE", default_value = "30s", value_parser = setting(positive_duration))]
    pub idempotency_lease: Duration,

    /// Signups (each one verification email) one email address may make in
    /// 24 hours; past it /v1/signups answers 429 TOO_MANY_SIGNUPS (0: no ceiling).
    #[arg(
        long = "signup-emails-per-address-per-day",
        env = "SIGNUP_EMAILS_PER_ADDRESS_PER_DAY",
        value_name = "SIGNUP_EMAILS_PER_ADDRESS_PER_DAY",
        default_value = "5",
        value_parser = setting(number::<u32>)
    )]
    pub emails_per_address_per_day: u32,

    /// Forms submissions allowed across all replicas, as N/duration.
    #[arg(
        long = "forms-rate-limit",
        env = "FORMS_RATE_LIMIT",
        value_name = "FORMS_RATE_LIMIT",
        default_value = "50/10s",
        value_parser = setting(|raw| quota(raw, "50/10s"))
    )]
    pub forms_quota: Quota,

    /// How long a queued Forms submission keeps being retried before it is dead-lettered.
    #[arg(long, env = "FORMS_RETRY_HORIZON", default_value = "24h", value_parser = setting(positive_duration))]
    pub forms_retry_horizon: Duration,

    /// How long a claimed Forms retry stays invisible to other workers:
    /// derived, the longest one Forms attempt can take.
    #[arg(skip)]
    pub forms_retry_lease: Duration,

    /// Wait after a Forms submission before its signup's first check (HubSpot's processing and visibility lag).
    #[arg(long, env = "FIRST_CHECK_GRACE", default_value = "3s", value_parser = setting(duration))]
    pub first_check_grace: Duration,
}
