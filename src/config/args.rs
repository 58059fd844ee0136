//! The raw settings as the command line and the environment give them.
//!
//! Every value stays a string here; [`super::Config::from_args`] parses them and
//! names the variable that is wrong.

/// Settings of `serve` (and of the commands that talk to the same Redis and
/// HubSpot account). Each flag falls back to the environment variable shown.
#[derive(Debug, Clone, clap::Args)]
pub struct SettingsArgs {
    /// HTTP listen address.
    #[arg(long, env = "LISTEN_ADDR", default_value = "0.0.0.0:8080")]
    pub listen_addr: String,

    /// Deadline for a client to send its request head, and again its body;
    /// past it the request gets 408 and the connection is closed.
    #[arg(long, env = "HTTP_READ_TIMEOUT", default_value = "10s")]
    pub http_read_timeout: String,

    #[command(flatten)]
    pub redis: RedisArgs,

    /// The app's client secret, which signs webhooks. Prefer the environment.
    #[arg(long, env = "HUBSPOT_CLIENT_SECRET", hide_env_values = true)]
    pub hubspot_client_secret: Option<String>,

    /// Private app or OAuth access token for CRM and Single Send. Prefer the environment.
    #[arg(long, env = "HUBSPOT_ACCESS_TOKEN", hide_env_values = true)]
    pub hubspot_access_token: Option<String>,

    /// The HubSpot account (portal) id; webhooks for other portals are ignored.
    #[arg(long, env = "HUBSPOT_PORTAL_ID")]
    pub hubspot_portal_id: Option<String>,

    /// The signup form's GUID.
    #[arg(long, env = "HUBSPOT_SIGNUP_FORM_GUID")]
    pub hubspot_signup_form_guid: Option<String>,

    /// The transactional (verification) email's id.
    #[arg(long, env = "HUBSPOT_VERIFICATION_EMAIL_ID")]
    pub hubspot_verification_email_id: Option<String>,

    /// Base URL of the CRM and Single Send APIs.
    #[arg(
        long,
        env = "HUBSPOT_API_BASE_URL",
        default_value = "https://api.hubapi.com"
    )]
    pub hubspot_api_base_url: String,

    /// Base URL of the Forms submission API.
    #[arg(
        long,
        env = "HUBSPOT_FORMS_BASE_URL",
        default_value = "https://api.hsforms.com"
    )]
    pub hubspot_forms_base_url: String,

    /// API generation for CRM reads and Single Send: `2026-09`, `2026-03` or `v3`.
    #[arg(long, env = "HUBSPOT_API_VERSION", default_value = "2026-09")]
    pub hubspot_api_version: String,

    /// Submit forms through `secure/submit` with the access token.
    #[arg(long, env = "HUBSPOT_FORMS_AUTHENTICATED", default_value = "false")]
    pub hubspot_forms_authenticated: String,

    /// Scheme, host and path HubSpot calls (the app's target URL); v2/v3 sign it,
    /// with the request's query string appended. Unset: derived from the request.
    #[arg(long, env = "WEBHOOK_PUBLIC_URL")]
    pub webhook_public_url: Option<String>,

    /// Bearer token the app backend presents on /v1/signups. Prefer the environment.
    #[arg(long, env = "SIGNUP_API_TOKEN", hide_env_values = true)]
    pub signup_api_token: Option<String>,

    /// `v3-only`, or `any` (v3 when present, else v1/v2; only for senders without v3).
    #[arg(long, env = "HUBSPOT_SIGNATURE_POLICY", default_value = "v3-only")]
    pub hubspot_signature_policy: String,

    /// Reconstruct the signed URL from X-Forwarded-Proto/-Host (only behind a proxy you trust).
    #[arg(long, env = "TRUST_FORWARDED_HEADERS", default_value = "false")]
    pub trust_forwarded_headers: String,

    /// Largest webhook body accepted, in bytes; larger gets 413.
    #[arg(long, env = "WEBHOOK_MAX_BODY_BYTES", default_value = "1048576")]
    pub webhook_max_body_bytes: String,

    /// How long an event identity counts as seen (must exceed HubSpot's 24 h retry horizon).
    #[arg(long, env = "WEBHOOK_DEDUPE_WINDOW", default_value = "72h")]
    pub webhook_dedupe_window: String,

    /// How long a pending signup waits for its contact before it expires.
    #[arg(long, env = "SIGNUP_PENDING_TTL", default_value = "7d")]
    pub signup_pending_ttl: String,

    /// How long an `Idempotency-Key` on /v1/signups is remembered.
    #[arg(long, env = "IDEMPOTENCY_TTL", default_value = "24h")]
    pub idempotency_ttl: String,

    /// How long an `Idempotency-Key` stays "in progress" when its request never
    /// completes (a crash); must exceed HUBSPOT_HTTP_TIMEOUT.
    #[arg(long, env = "IDEMPOTENCY_LEASE", default_value = "30s")]
    pub idempotency_lease: String,

    /// Signups (each one verification email) one email address may make in
    /// 24 hours; past it /v1/signups answers 429 TOO_MANY_SIGNUPS (0: no ceiling).
    #[arg(long, env = "SIGNUP_EMAILS_PER_ADDRESS_PER_DAY", default_value = "5")]
    pub signup_emails_per_address_per_day: String,

    /// Forms submissions allowed across all replicas, as N/duration.
    #[arg(long, env = "FORMS_RATE_LIMIT", default_value = "50/10s")]
    pub forms_rate_limit: String,

    /// How long a queued Forms submission keeps being retried before it is dead-lettered.
    #[arg(long, env = "FORMS_RETRY_HORIZON", default_value = "24h")]
    pub forms_retry_horizon: String,

    /// Wait after a Forms submission before its signup's first check (HubSpot's processing and visibility lag).
    #[arg(long, env = "FIRST_CHECK_GRACE", default_value = "3s")]
    pub first_check_grace: String,

    /// First retry delay; doubles per attempt (with jitter) up to RETRY_MAX_DELAY.
    #[arg(long, env = "RETRY_BASE_DELAY", default_value = "1s")]
    pub retry_base_delay: String,

    /// Longest retry delay.
    #[arg(long, env = "RETRY_MAX_DELAY", default_value = "5m")]
    pub retry_max_delay: String,

    /// How often idle background workers look for due work.
    #[arg(long, env = "WORKER_POLL_INTERVAL", default_value = "250ms")]
    pub worker_poll_interval: String,

    /// Contact checks run at once per process.
    #[arg(long, env = "WORKER_CONCURRENCY", default_value = "4")]
    pub worker_concurrency: String,

    /// An event left unacknowledged this long by a consumer (crashed) is reclaimed.
    #[arg(long, env = "STREAM_CLAIM_IDLE", default_value = "60s")]
    pub stream_claim_idle: String,

    /// Deliveries of one stream entry before it is dead-lettered.
    #[arg(long, env = "STREAM_MAX_DELIVERIES", default_value = "5")]
    pub stream_max_deliveries: String,

    /// How long a claimed batch of signup checks (and their sends) is reserved to one worker.
    #[arg(long, env = "CHECK_LEASE", default_value = "60s")]
    pub check_lease: String,

    /// Most signups one check claims and confirms together (1 to 100).
    #[arg(long, env = "CHECK_BATCH_SIZE", default_value = "100")]
    pub check_batch_size: String,

    /// When more than half of the API quota is in use, how long a due check may wait for others to share its batch.
    #[arg(long, env = "CHECK_LINGER", default_value = "2s")]
    pub check_linger: String,

    /// Wait after a Single Send answered `PENDING` before its send status is read (then doubling).
    #[arg(long, env = "SEND_STATUS_DELAY", default_value = "5s")]
    pub send_status_delay: String,

    /// How a batch confirms that each signup's form submission landed: `profile` or `property`.
    #[arg(long, env = "FORM_CONFIRMATION", default_value = "profile")]
    pub form_confirmation: String,

    /// How much earlier than the signup a form submission may be stamped and still count as its own.
    #[arg(long, env = "FORM_CLOCK_SKEW", default_value = "30s")]
    pub form_clock_skew: String,

    /// Least time between two verification emails to one contact (0s: none).
    #[arg(long, env = "CONTACT_SEND_COOLDOWN", default_value = "30s")]
    pub contact_send_cooldown: String,

    /// Optional own limit of Single Send calls, as N/duration (HubSpot exempts them from the API quota).
    #[arg(long, env = "SINGLE_SEND_RATE_LIMIT", default_value = "")]
    pub single_send_rate_limit: String,

    /// How long a signup may wait for its contact, or its form submission, before it is dead-lettered.
    #[arg(long, env = "CONTACT_WAIT_HORIZON", default_value = "24h")]
    pub contact_wait_horizon: String,

    /// How long a signup's record is kept after its email went out or it was dead-lettered.
    #[arg(long, env = "SIGNUP_FINISHED_TTL", default_value = "24h")]
    pub signup_finished_ttl: String,

    /// An open signup older than this is checked by the sweep against its horizons.
    #[arg(long, env = "SWEEP_AFTER", default_value = "10m")]
    pub sweep_after: String,

    /// How often the reconciliation sweep runs (one replica at a time).
    #[arg(long, env = "SWEEP_INTERVAL", default_value = "1m")]
    pub sweep_interval: String,

    /// HubSpot API calls allowed across all replicas, as N/duration.
    #[arg(long, env = "HUBSPOT_API_RATE_LIMIT", default_value = "100/10s")]
    pub hubspot_api_rate_limit: String,

    /// Time limit of one HubSpot API call.
    #[arg(long, env = "HUBSPOT_HTTP_TIMEOUT", default_value = "10s")]
    pub hubspot_http_timeout: String,

    /// Log format: `text` or `json`.
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

/// Where Redis is: shared by `serve` and the operator commands.
#[derive(Debug, Clone, clap::Args)]
pub struct RedisArgs {
    /// Redis URL (redis://, rediss:// or unix://), or the comma-separated seed
    /// nodes of a Redis Cluster (redis://h1:p1,redis://h2:p2).
    // Its value may carry a password: `--help` never shows it.
    #[arg(
        long,
        env = "REDIS_URL",
        hide_env_values = true,
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,

    /// `auto` (ask the server), `true` (Redis Cluster) or `false` (one node).
    #[arg(long, env = "REDIS_CLUSTER", default_value = "auto")]
    pub redis_cluster: String,

    /// Prefix of every Redis key the reactor writes.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "sr:")]
    pub redis_key_prefix: String,

    /// Time limit of one Redis command; past it a webhook gets 503 (HubSpot retries).
    #[arg(long, env = "REDIS_COMMAND_TIMEOUT", default_value = "2s")]
    pub redis_command_timeout: String,

    /// Streams the recorded events are spread over, by contact id (1 to 1024).
    #[arg(long, env = "EVENT_STREAM_PARTITIONS", default_value = "8")]
    pub event_stream_partitions: String,
}
