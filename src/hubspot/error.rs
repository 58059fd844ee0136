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
        /// HubSpot sent `Retry-After` (else `retry_after` is the policy's window).
        asked: bool,
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
    /// Could not connect or the connection broke. Built by
    /// [`HubSpotError::from_transport`], which drops the request URL: it can carry
    /// a developer key (`hapikey`) or an email address.
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

    /// HubSpot turned the call away before serving it (429, or 503 Service
    /// Unavailable): a rejected call is not taken from a rolling window, so
    /// its permit goes back to the limiter.
    pub fn turned_away(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Server { status: 503, .. }
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

    /// Classifies a transport failure, without the request URL: its query or
    /// path can hold a secret or personal data, and this error is shown and logged.
    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else {
            Self::Transport(error.without_url())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_transport_error_carries_no_url_key_or_address() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let url =
            format!("http://127.0.0.1:{port}/contacts/ann%40example.com?hapikey=dev-key-4f1c");
        let raw = reqwest::Client::new()
            .get(&url)
            .send()
            .await
            .expect_err("nothing listens on the port");
        assert!(format!("{raw:?}").contains("dev-key-4f1c"), "{raw:?}");
        let error = HubSpotError::from_transport(raw);
        let mut shown = format!("{error} {error:?}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            shown.push_str(&format!(" {cause} {cause:?}"));
            source = cause.source();
        }
        assert!(matches!(error, HubSpotError::Transport(_)), "{shown}");
        for secret in ["dev-key-4f1c", "ann%40example.com", "hapikey"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
