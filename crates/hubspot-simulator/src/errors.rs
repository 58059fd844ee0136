//! HubSpot's error responses: the standard error body (`status`, `message`,
//! `correlationId`, `category`, ...), the Forms API's validation body and the
//! 429 body with its headers.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::rate_limit::RateInfo;
use super::shared::Shared;

/// One entry of a Forms API 400's `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormError {
    /// Human-readable detail (`Error in 'fields.email'. ...`).
    pub message: String,
    /// HubSpot's code (`INVALID_EMAIL`, `REQUIRED_FIELD`, ...).
    pub error_type: &'static str,
}

/// HubSpot's standard error body with `status` (always `error`).
pub fn standard(
    status: StatusCode,
    category: &str,
    message: &str,
    context: Option<Value>,
) -> HttpResponse {
    let mut body = json!({
        "status": "error",
        "message": message,
        "correlationId": Shared::uuid(),
        "category": category,
    });
    if let (Some(context), Some(map)) = (context, body.as_object_mut()) {
        map.insert("context".to_owned(), context);
    }
    HttpResponse::build(status).json(body)
}

/// 401 for a missing or unknown token.
pub fn unauthorized(token_given: bool) -> HttpResponse {
    let message = if token_given {
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
    } else {
        "Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
    };
    standard(
        StatusCode::UNAUTHORIZED,
        "INVALID_AUTHENTICATION",
        message,
        None,
    )
}

/// 400 for a request body that is not what the endpoint accepts.
pub fn validation(message: &str) -> HttpResponse {
    standard(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message, None)
}

/// 404 for an object that does not exist (or is not visible yet).
pub fn object_not_found(id: &str) -> HttpResponse {
    standard(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "Object not found.  objectId are usually numeric.",
        Some(json!({ "id": [id] })),
    )
}

/// An injected 5xx.
pub fn server_error(status: u16) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    standard(
        status,
        "INTERNAL_ERROR",
        "internal error (injected by the simulator)",
        None,
    )
}

/// The `X-HubSpot-RateLimit-*` headers for a budget's state.
pub fn rate_header_pairs(info: &RateInfo) -> [(&'static str, String); 5] {
    [
        ("X-HubSpot-RateLimit-Max", info.max.to_string()),
        ("X-HubSpot-RateLimit-Remaining", info.remaining.to_string()),
        (
            "X-HubSpot-RateLimit-Interval-Milliseconds",
            info.interval_ms.to_string(),
        ),
        ("X-HubSpot-RateLimit-Daily", info.daily.to_string()),
        (
            "X-HubSpot-RateLimit-Daily-Remaining",
            info.daily_remaining.to_string(),
        ),
    ]
}

/// 429 with HubSpot's body and headers.
pub fn rate_limited(info: &RateInfo) -> HttpResponse {
    let policy = info
        .exceeded
        .unwrap_or(super::rate_limit::Policy::TenSecondlyRolling);
    let mut builder = HttpResponse::TooManyRequests();
    for header in rate_header_pairs(info) {
        builder.insert_header(header);
    }
    builder.json(json!({
        "status": "error",
        "message": format!("You have reached your {} limit.", policy.name().to_lowercase()),
        "errorType": "RATE_LIMIT",
        "correlationId": Shared::uuid(),
        "category": "RATE_LIMITS",
        "policyName": policy.name(),
    }))
}

/// The Forms API's 400: `{status:"error", message, correlationId, errors[]}`.
pub fn forms_invalid(errors: &[FormError]) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({
        "status": "error",
        "message": "The request is not valid",
        "correlationId": Shared::uuid(),
        "errors": errors,
    }))
}

/// The Forms API's 404 for an unknown portal or form.
pub fn form_not_found(guid: &str) -> HttpResponse {
    HttpResponse::NotFound().json(json!({
        "status": "error",
        "message": format!("Form with guid {guid} not found"),
        "correlationId": Shared::uuid(),
        "errors": [],
    }))
}

/// Why a request was refused before the endpoint did anything.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// An injected server error.
    #[error("injected server error {status}")]
    Fault { status: u16 },
    /// Over budget, or an injected 429.
    #[error("rate limited")]
    RateLimited(RateInfo),
    /// An injected 429 carrying `Retry-After` (whole seconds).
    #[error("rate limited, retry after {seconds} s")]
    RateLimitedRetryAfter { info: RateInfo, seconds: u64 },
    /// Missing or unknown credential.
    #[error("unauthorized")]
    Unauthorized { token_given: bool },
    /// The request body or parameters are invalid.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The addressed resource does not exist.
    #[error("not found: {0}")]
    NotFound(String),
}

impl actix_web::ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Fault { status } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Self::RateLimited(_) | Self::RateLimitedRetryAfter { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Fault { status } => server_error(*status),
            Self::RateLimited(info) => rate_limited(info),
            Self::RateLimitedRetryAfter { info, seconds } => {
                let mut response = rate_limited(info);
                if let Ok(value) =
                    actix_web::http::header::HeaderValue::from_str(&seconds.to_string())
                {
                    response
                        .headers_mut()
                        .insert(actix_web::http::header::RETRY_AFTER, value);
                }
                response
            }
            Self::Unauthorized { token_given } => unauthorized(*token_given),
            Self::Invalid(message) => validation(message),
            Self::NotFound(message) => {
                standard(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", message, None)
            }
        }
    }
}
