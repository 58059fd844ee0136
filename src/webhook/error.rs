//! The receiver's error boundary: each failure maps to the status HubSpot
//! must see, with no internal detail in the body.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use super::payload::PayloadError;
use super::response::WebhookErrorBody;
use super::signature::SignatureError;
use crate::http::body::BodyError;
use crate::store::StoreError;

/// Why a webhook delivery was not accepted.
#[derive(thiserror::Error)]
pub enum WebhookError {
    #[error("request signature rejected")]
    Signature(#[from] SignatureError),
    #[error("body is not a JSON array of events")]
    Malformed(#[from] PayloadError),
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("events could not be recorded")]
    Store(#[from] StoreError),
}

impl WebhookError {
    /// Label for the `reason` of rejected-request metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Signature(e) => e.reason(),
            Self::Malformed(_) | Self::Body(BodyError::Read(_)) => "malformed",
            Self::Body(BodyError::TooLarge { .. }) => "too_large",
            Self::Body(BodyError::Timeout(_)) => "timeout",
            Self::Store(_) => "redis",
        }
    }
}

impl std::fmt::Debug for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error_chain::fmt_chain(self, f)
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Signature(_) => StatusCode::UNAUTHORIZED,
            Self::Malformed(_) | Self::Body(BodyError::Read(_)) => StatusCode::BAD_REQUEST,
            Self::Body(BodyError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Body(BodyError::Timeout(_)) => StatusCode::REQUEST_TIMEOUT,
            Self::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            Self::Signature(_) => "invalid or missing signature".to_owned(),
            Self::Store(_) => "temporarily unable to record events; retry later".to_owned(),
            other => other.to_string(),
        };
        HttpResponse::build(self.status_code()).json(WebhookErrorBody { error: message })
    }
}
