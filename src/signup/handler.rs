//! `POST /v1/signups`: authenticate the app backend, validate, honour
//! `Idempotency-Key`, and hand the signup to the intake.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::acceptance::{Accepted, IntakeError};
use super::error::SignupError;
use super::intake::SignupIntake;
use super::request::SignupRequest;
use super::response::{AcceptedStatus, SignupAccepted, SignupRejected};
use super::telemetry as signup_metrics;
use crate::domain::SignupId;
use crate::http::body::read_limited;
use crate::store::{Fenced, IdempotencyClaim, StoredResponse, Written};

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
    let lease = state.intake.settings.idempotency_lease;
    let Some(key) = key else {
        // Without a key, a request is held to the same bound as one with a
        // key: it is accepted within `IDEMPOTENCY_LEASE` or not at all.
        let accept_by = Instant::now() + lease;
        return Ok(replay(&process(&state, signup, accept_by).await?, false));
    };
    let store = &state.intake.store;
    let request_digest = hex::encode(Sha256::digest(&body));
    let ttl = state.intake.settings.idempotency_ttl;
    let deadline = tokio::time::Instant::now() + IN_PROGRESS_WAIT;
    let (token, claimed_at) = loop {
        // The lease starts when Redis runs the claim, after this: a signup
        // accepted by `claimed_at + lease` is accepted while the key is held.
        let sent = Instant::now();
        match store
            .idempotency()
            .claim(&key, &request_digest, lease)
            .await?
        {
            IdempotencyClaim::Claimed(token) => break (token, sent),
            IdempotencyClaim::Done(stored) => return Ok(replay(&stored, true)),
            IdempotencyClaim::Mismatch => return Err(SignupError::IdempotencyMismatch),
            IdempotencyClaim::InProgress if tokio::time::Instant::now() >= deadline => {
                return Err(SignupError::InProgress);
            }
            IdempotencyClaim::InProgress => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    };
    // Accepted while the key is held, with one command's time left to
    // store the answer before the lease ends (a retry may claim it then).
    let accept_by = claimed_at + lease.saturating_sub(store.command_timeout());
    match process(&state, signup, accept_by).await {
        Ok(stored) => {
            match store
                .idempotency()
                .complete(&key, &token, &request_digest, stored.clone(), ttl)
                .await
            {
                Ok(Fenced::Done) => {}
                Ok(Fenced::NotOurs) => {
                    tracing::warn!(
                        "the Idempotency-Key was claimed again after its lease; its response is not stored"
                    );
                }
                Err(error) => {
                    tracing::warn!(error = ?error, "could not store the idempotent response");
                }
            }
            Ok(replay(&stored, false))
        }
        Err(error) => {
            match store.idempotency().release(&key, &token).await {
                Ok(_) => {}
                Err(release) => {
                    tracing::warn!(error = ?release, "could not release an Idempotency-Key");
                }
            }
            Err(error)
        }
    }
}

/// Runs the intake and turns its answer into the response to keep.
async fn process(
    state: &SignupState,
    signup: super::request::ValidSignup,
    accept_by: Instant,
) -> Result<StoredResponse, SignupError> {
    super::ceiling::admit(&state.intake, &signup.email).await?;
    let (status, body) = match state.intake.accept(signup, accept_by).await {
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
            signup_metrics::not_accepted("redis");
            tracing::error!(error = ?error, "signup not recorded or not accepted");
            return Err(SignupError::Unavailable(error));
        }
        Err(IntakeError::NotAccepted(found)) => {
            signup_metrics::not_accepted(match found {
                Written::TooLate => "too_late",
                _ => "moved_on",
            });
            tracing::error!(found = ?found, "signup not accepted");
            return Err(SignupError::NotAccepted);
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

fn accepted(signup_id: SignupId, status: AcceptedStatus) -> (StatusCode, serde_json::Value) {
    let body = SignupAccepted {
        signup_id: signup_id.to_string(),
        status,
    };
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
