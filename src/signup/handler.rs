//! `POST /v1/signups`: authenticate the app backend, validate, honour
//! `Idempotency-Key`, and hand the signup to the intake.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::SignupError;
use super::intake::{Accepted, IntakeError, SignupIntake};
use super::request::SignupRequest;
use super::response::{AcceptedStatus, SignupAccepted, SignupRejected};
use super::telemetry as signup_metrics;
use crate::http::body::read_limited;
use crate::store::{IdempotencyClaim, StoredResponse};

/// Largest signup body accepted.
pub const MAX_SIGNUP_BODY_BYTES: usize = 256 * 1024;
/// How long a request waits for a concurrent twin with the same key.
const IN_PROGRESS_WAIT: Duration = Duration::from_secs(10);

/// What the signup handler needs.
pub struct SignupState {
    pub intake: SignupIntake,
    pub api_token: SecretString,
    /// Deadline for reading a signup's body (`HTTP_READ_TIMEOUT`).
    pub body_deadline: Duration,
}

/// Handles one signup.
#[tracing::instrument(name = "signup", skip_all, fields(signup_id, status))]
pub async fn create_signup(
    req: HttpRequest,
    payload: Payload,
    state: Data<SignupState>,
) -> Result<HttpResponse, SignupError> {
    authorize(&req, &state.api_token)?;
    let key = idempotency_key(&req)?;
    let body = read_limited(&req, payload, MAX_SIGNUP_BODY_BYTES, state.body_deadline).await?;
    let request: SignupRequest =
        serde_json::from_slice(&body).map_err(|e| SignupError::Malformed(e.to_string()))?;
    let signup = request.validate().map_err(SignupError::Invalid)?;
    let Some(key) = key else {
        return Ok(replay(&process(&state, signup).await?, false));
    };
    let store = &state.intake.store;
    let request_digest = hex::encode(Sha256::digest(&body));
    let ttl = state.intake.settings.idempotency_ttl;
    let lease = state.intake.settings.idempotency_lease;
    let deadline = tokio::time::Instant::now() + IN_PROGRESS_WAIT;
    loop {
        match store
            .idempotency()
            .claim(&key, &request_digest, lease)
            .await?
        {
            IdempotencyClaim::Claimed => break,
            IdempotencyClaim::Done(stored) => return Ok(replay(&stored, true)),
            IdempotencyClaim::Mismatch => return Err(SignupError::IdempotencyMismatch),
            IdempotencyClaim::InProgress if tokio::time::Instant::now() >= deadline => {
                return Err(SignupError::InProgress);
            }
            IdempotencyClaim::InProgress => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    match process(&state, signup).await {
        Ok(stored) => {
            if let Err(error) = store
                .idempotency()
                .complete(&key, &request_digest, stored.clone(), ttl)
                .await
            {
                tracing::warn!(error = ?error, "could not store the idempotent response");
            }
            Ok(replay(&stored, false))
        }
        Err(error) => {
            if let Err(release) = store.idempotency().release(&key).await {
                tracing::warn!(error = ?release, "could not release an Idempotency-Key");
            }
            Err(error)
        }
    }
}

/// Runs the intake and turns its answer into the response to keep.
async fn process(
    state: &SignupState,
    signup: super::request::ValidSignup,
) -> Result<StoredResponse, SignupError> {
    let (status, body) = match state.intake.accept(signup).await {
        Ok(Accepted::Submitted { signup_id }) => {
            signup_metrics::accepted("submitted");
            accepted(signup_id, AcceptedStatus::Submitted)
        }
        Ok(Accepted::Queued { signup_id }) => {
            signup_metrics::accepted("queued");
            accepted(signup_id, AcceptedStatus::Queued)
        }
        Err(IntakeError::Rejected { message, errors }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            serde_json::json!(SignupRejected {
                error: "HubSpot rejected the submission".to_owned(),
                message,
                errors: errors.into_iter().map(Into::into).collect(),
            }),
        ),
        Err(IntakeError::Store(error)) => {
            tracing::error!(error = ?error, "signup not recorded");
            return Err(SignupError::Unavailable(error));
        }
    };
    let span = tracing::Span::current();
    span.record("status", status.as_u16());
    if let Some(id) = body.get("signupId").and_then(|v| v.as_str()) {
        span.record("signup_id", id);
    }
    Ok(StoredResponse {
        status: status.as_u16(),
        body: body.to_string(),
    })
}

fn accepted(signup_id: String, status: AcceptedStatus) -> (StatusCode, serde_json::Value) {
    let body = SignupAccepted { signup_id, status };
    (StatusCode::ACCEPTED, serde_json::json!(body))
}

fn replay(stored: &StoredResponse, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::ACCEPTED);
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.body(stored.body.clone())
}

/// Constant-time check of `Authorization: Bearer <SIGNUP_API_TOKEN>`.
fn authorize(req: &HttpRequest, token: &SecretString) -> Result<(), SignupError> {
    let given = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(SignupError::Unauthorized)?;
    let expected = token.expose_secret().as_bytes();
    // Hash both sides so the comparison does not leak the token's length.
    let same: bool = Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(expected))
        .into();
    if same {
        Ok(())
    } else {
        Err(SignupError::Unauthorized)
    }
}

/// The hashed `Idempotency-Key`, if one was sent.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, SignupError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value.to_str().map_err(|_| SignupError::BadIdempotencyKey)?;
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SignupError::BadIdempotencyKey);
    }
    Ok(Some(hex::encode(&Sha256::digest(key.as_bytes())[..16])))
}
