//! The signup endpoint's error boundary.

use actix_web::http::StatusCode;
use std::time::Duration;

use actix_web::http::header::{HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};

use super::field_problem::FieldProblem;
use super::response::{InvalidSignup, SignupErrorBody, TooManySignups};
use super::telemetry::TOO_MANY_SIGNUPS;
use crate::http::body::BodyError;
use crate::store::StoreError;

/// Why `POST /v1/signups` was not accepted (HubSpot rejections are replies, not errors).
#[derive(thiserror::Error)]
pub enum SignupError {
    #[error("missing or invalid bearer token")]
    Unauthorized,
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("the body is not a signup: {0}")]
    Malformed(String),
    #[error("the signup is invalid")]
    Invalid(Vec<FieldProblem>),
    #[error("Idempotency-Key must be 1 to 255 visible ASCII characters")]
    BadIdempotencyKey,
    #[error("Idempotency-Key was already used with a different request")]
    IdempotencyMismatch,
    #[error("a request with this Idempotency-Key is still being processed")]
    InProgress,
    #[error("signups are temporarily unavailable")]
    Unavailable(#[from] StoreError),
    /// The address reached `SIGNUP_EMAILS_PER_ADDRESS_PER_DAY`.
    #[error("too many signups for this email address in 24 hours")]
    TooManySignups { retry_after: Duration },
    /// The signup's acceptance could not be written in time: nothing of this
    /// request will be submitted; the app retries.
    #[error("signups are temporarily unavailable")]
    NotAccepted,
}

impl std::fmt::Debug for SignupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error_chain::fmt_chain(self, f)
    }
}

impl ResponseError for SignupError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Body(BodyError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Body(BodyError::Timeout(_)) => StatusCode::REQUEST_TIMEOUT,
            Self::Body(BodyError::Read(_)) | Self::Malformed(_) | Self::BadIdempotencyKey => {
                StatusCode::BAD_REQUEST
            }
            Self::Invalid(_) | Self::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InProgress => StatusCode::CONFLICT,
            Self::Unavailable(_) | Self::NotAccepted => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManySignups { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let error = self.to_string();
        let mut response = HttpResponse::build(self.status_code());
        let mut response = match self {
            Self::Invalid(problems) => response.json(InvalidSignup {
                error,
                errors: problems.clone(),
            }),
            Self::TooManySignups { .. } => response.json(TooManySignups {
                error,
                error_type: TOO_MANY_SIGNUPS.to_owned(),
            }),
            _ => response.json(SignupErrorBody { error }),
        };
        if matches!(self, Self::Unauthorized) {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Self::TooManySignups { retry_after } = self {
            // Whole seconds, rounded up: never sooner than the address may sign up again.
            let seconds = retry_after.as_millis().div_ceil(1000).max(1);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        response
    }
}
