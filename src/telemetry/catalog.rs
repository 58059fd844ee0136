//! Every metric the reactor exports, named once, with its type, labels and
//! help text. Code records metrics only through these names; the process
//! registers the help texts at start-up, and a test checks the README's
//! metrics table against this list.

/// How a metric behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
}

impl MetricKind {
    /// The Prometheus type name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
            Self::Histogram => "histogram",
        }
    }
}

/// One exported metric.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub kind: MetricKind,
    /// Label names; every value is drawn from a bounded set.
    pub labels: &'static [&'static str],
    pub help: &'static str,
}

macro_rules! catalog {
    ($($constant:ident = $name:literal, $kind:ident, [$($label:literal),*], $help:literal;)+) => {
        $(
            #[doc = $help]
            pub const $constant: &str = $name;
        )+
        /// The whole catalog, in README order.
        pub const CATALOG: &[Metric] = &[
            $(Metric { name: $name, kind: MetricKind::$kind, labels: &[$($label),*], help: $help },)+
        ];
    };
}

catalog! {
    WEBHOOK_EVENTS_RECEIVED = "webhook_events_received_total", Counter, ["subscription_type", "style"],
        "Events in verified webhook batches.";
    WEBHOOK_EVENTS_RECORDED = "webhook_events_recorded_total", Counter, [],
        "Events newly appended to the event stream.";
    WEBHOOK_EVENTS_DUPLICATE = "webhook_events_duplicate_total", Counter, [],
        "Events already seen within the dedupe window.";
    WEBHOOK_EVENTS_IGNORED = "webhook_events_ignored_total", Counter, ["reason"],
        "Events accepted but not recorded.";
    WEBHOOK_EVENTS_MALFORMED = "webhook_events_malformed_total", Counter, ["reason"],
        "Elements of a webhook batch skipped as unusable.";
    WEBHOOK_REQUESTS_REJECTED = "webhook_requests_rejected_total", Counter, ["reason"],
        "Webhook deliveries refused.";
    SIGNUPS_ACCEPTED = "signups_accepted_total", Counter, ["status"],
        "Signups answered 202.";
    SIGNUPS_NOT_ACCEPTED = "signups_not_accepted_total", Counter, ["reason"],
        "Signups answered 503: not accepted, never submitted.";
    SIGNUPS_REJECTED = "signups_rejected_total", Counter, ["error_type"],
        "Signups refused, per errorType.";
    SIGNUPS_QUEUED = "signups_queued_total", Counter, ["reason"],
        "Submissions put on the Forms retry queue.";
    SIGNUPS_RETRIED = "signups_retried_total", Counter, ["outcome"],
        "Forms retry-queue attempts.";
    SIGNUPS_SUBMITTED = "signups_submitted_total", Counter, ["path"],
        "Submissions the Forms API accepted.";
    EVENTS_CONSUMED = "events_consumed_total", Counter, ["delivery"],
        "Stream entries turned into work.";
    CONSUMER_GROUP_RECREATED = "consumer_group_recreated_total", Counter, [],
        "Times the event stream's consumer group was found missing and recreated.";
    CHECKS = "checks_total", Counter, ["outcome"],
        "Checks and their outcomes.";
    CHECK_BATCH_SIZE = "check_batch_size", Histogram, [],
        "Signups per claimed check batch.";
    HUBSPOT_API_PERMITS = "hubspot_api_permits_total", Counter, [],
        "API permits taken from the shared quota (divide by emails_sent_total for calls per confirmed signup).";
    EMAILS_SENT = "emails_sent_total", Counter, ["send_result"],
        "Verification emails Single Send accepted, counted when it answers (PENDING included).";
    SIGNUP_TO_EMAIL_SECONDS = "signup_to_email_seconds", Histogram, [],
        "Time from a signup's submission to Single Send accepting its email.";
    EMAILS_FAILED = "emails_failed_total", Counter, [],
        "Verification emails whose sendResult failed after Single Send took the call (each also a dead letter).";
    SEND_RESULT_LAG_SECONDS = "send_result_lag_seconds", Histogram, [],
        "Time from a PENDING send to the status read that knew its sendResult.";
    CONFIRMED_TO_EMAIL_SECONDS = "confirmed_to_email_seconds", Histogram, [],
        "Time from the check that found the contact with the signup's submission to the accepted send.";
    DEAD_LETTERS = "dead_letters_total", Counter, ["source"],
        "Work given up on.";
    HUBSPOT_REQUESTS = "hubspot_requests_total", Counter, ["endpoint", "outcome"],
        "HubSpot API calls by the worker.";
    HUBSPOT_CALLS_DEFERRED = "hubspot_calls_deferred_total", Counter, ["endpoint"],
        "Calls postponed by the shared rate limiter.";
    HUBSPOT_CREDENTIALS_REFUSED = "hubspot_credentials_refused", Gauge, [],
        "1 while HubSpot refuses the access token (401/403) and calls pause; 0 once a call goes through.";
    SWEEP_SCHEDULED = "sweep_scheduled_total", Counter, [],
        "Work the reconciliation sweep found and scheduled.";
    EVENT_STREAM_LENGTH = "event_stream_length", Gauge, [],
        "Entries in the event stream.";
    EVENT_STREAM_PENDING = "event_stream_pending", Gauge, [],
        "Stream entries delivered but not acknowledged.";
    OPEN_SIGNUPS = "open_signups", Gauge, [],
        "Signups not yet sent or dead-lettered.";
    OPEN_SIGNUPS_OLDEST_AGE_SECONDS = "open_signups_oldest_age_seconds", Gauge, [],
        "Age of the oldest open signup (0 when none is open).";
    CHECK_QUEUE_DEPTH = "check_queue_depth", Gauge, [],
        "Work waiting in the check queue.";
    FORMS_RETRY_QUEUE_DEPTH = "forms_retry_queue_depth", Gauge, [],
        "Submissions waiting for a Forms retry.";
    FORMS_RETRY_QUEUE_OLDEST_AGE_SECONDS = "forms_retry_queue_oldest_age_seconds", Gauge, [],
        "How long the Forms retry queue's earliest entry has been due (0 when none is overdue).";
    REDIS_ERRORS = "redis_errors_total", Counter, ["operation"],
        "Failed Redis operations.";
    HTTP_REQUEST_DURATION_SECONDS = "http_request_duration_seconds", Histogram, ["method", "route", "status"],
        "HTTP request latency.";
}

/// Registers every metric's help text with the installed recorder.
pub fn describe_all() {
    for metric in CATALOG {
        match metric.kind {
            MetricKind::Counter => metrics::describe_counter!(metric.name, metric.help),
            MetricKind::Gauge => metrics::describe_gauge!(metric.name, metric.help),
            MetricKind::Histogram => metrics::describe_histogram!(metric.name, metric.help),
        }
    }
}
