//! Errors from HubSpot's APIs, classified by what the caller should do next.

use std::time::Duration;

use serde::Deserialize;

/// HubSpot's standard error body; every field is optional in practice.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    pub status: Option<String>,
    pub message: Option<String>,
    pub correlation_id: Option<String>,
    pub category: Option<String>,
    pub error_type: Option<String>,
    pub policy_name: Option<String>,
}

/// A failed HubSpot call.
#[derive(Debug, thiserror::Error)]
pub enum HubSpotError {
    /// 429: wait `retry_after`, then try again.
    #[error("rate limited by HubSpot ({policy}); retry after {retry_after:?}")]
    RateLimited {
        retry_after: Duration,
        policy: String,
    },
    /// 5xx: HubSpot failed; retry with backoff.
    #[error("HubSpot answered {status}")]
    Server {
        status: u16,
        body: Box<ApiErrorBody>,
    },
    /// No answer in time.
    #[error("HubSpot did not answer in time")]
    Timeout,
    /// Could not connect or the connection broke.
    #[error("could not reach HubSpot")]
    Transport(#[source] reqwest::Error),
    /// 401/403: the token is wrong or lacks a scope; retrying will not help.
    #[error("HubSpot refused the credentials ({status}): {}", body.message.as_deref().unwrap_or("no message"))]
    Unauthorized {
        status: u16,
        body: Box<ApiErrorBody>,
    },
    /// Any other 4xx: the request itself was refused.
    #[error("HubSpot rejected the request ({status}): {}", body.message.as_deref().unwrap_or("no message"))]
    Rejected {
        status: u16,
        body: Box<ApiErrorBody>,
    },
    /// The caller asked for more inputs than one batch call takes; nothing was sent.
    #[error("a HubSpot batch takes at most {max} inputs, {given} given")]
    TooManyInputs { given: usize, max: usize },
    /// A 2xx whose body is not what the API documents.
    #[error("unexpected response body from HubSpot")]
    Decode(#[source] serde_json::Error),
}

impl HubSpotError {
    /// Whether the same call may succeed later (429, 5xx, timeouts, connection errors).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Server { .. } | Self::Timeout | Self::Transport(_)
        )
    }

    /// HubSpot's correlation id, for support tickets and dead letters.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Self::Server { body, .. }
            | Self::Unauthorized { body, .. }
            | Self::Rejected { body, .. } => body.correlation_id.as_deref(),
            _ => None,
        }
    }

    /// Short label for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server_error",
            Self::Timeout => "timeout",
            Self::Transport(_) => "transport",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Rejected { .. } => "rejected",
            Self::TooManyInputs { .. } => "too_many_inputs",
            Self::Decode(_) => "decode",
        }
    }

    /// Classifies a transport failure. The URL is dropped from the error: a
    /// URL may carry personal data (an email in a path or query), and this
    /// error ends up in logs and dead letters.
    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else {
            Self::Transport(error.without_url())
        }
    }
}
