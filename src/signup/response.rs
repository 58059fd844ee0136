//! The bodies `POST /v1/signups` answers with. The handler sends these types
//! and the OpenAPI document derives its schemas from them, so the two agree.

use serde::Serialize;
use utoipa::ToSchema;

use super::field_problem::FieldProblem;
use crate::hubspot::forms::FormFieldError;

/// 202: the reactor has the signup and answers for it from now on.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignupAccepted {
    /// The reactor's id for this signup (its `sendId` derives from it).
    #[schema(example = "26cf1566-174a-4539-917f-3f57b7729ce4")]
    pub signup_id: String,
    pub status: AcceptedStatus,
}

/// How far a signup got before the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AcceptedStatus {
    /// The Forms API took the submission.
    Submitted,
    /// HubSpot could not take it now (429, 5xx, timeout, the local quota):
    /// it is stored and submitted again later; nothing more to do.
    Queued,
}

/// 400, 401, 408, 409, 413, 422 (Idempotency-Key reused), 503: what went wrong, in a sentence.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupErrorBody {
    pub error: String,
}

/// 422: the request breaks one of the rules below; every problem is listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvalidSignup {
    #[schema(example = "the signup is invalid")]
    pub error: String,
    pub errors: Vec<FieldProblem>,
}

/// 422: HubSpot's Forms API refused the submission (its own `errorType`s);
/// nothing was kept, sending it again will not help.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRejected {
    #[schema(example = "HubSpot rejected the submission")]
    pub error: String,
    /// HubSpot's message, when it gave one.
    pub message: Option<String>,
    pub errors: Vec<HubSpotFieldError>,
}

/// One of HubSpot's validation errors, as the Forms API reported it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HubSpotFieldError {
    pub message: String,
    /// HubSpot's `errorType`, for example `INVALID_EMAIL`, `BLOCKED_EMAIL`,
    /// `REQUIRED_FIELD`, `FIELD_NOT_IN_FORM_DEFINITION`.
    #[schema(example = "INVALID_EMAIL")]
    pub error_type: String,
}

impl From<FormFieldError> for HubSpotFieldError {
    fn from(error: FormFieldError) -> Self {
        Self {
            message: error.message,
            error_type: error.error_type,
        }
    }
}

/// Every body a 422 can carry: the reactor's validation, HubSpot's rejection,
/// or an `Idempotency-Key` reused with another request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UnprocessableSignup {
    Invalid(InvalidSignup),
    Rejected(SignupRejected),
    KeyReused(SignupErrorBody),
}

/// 429: too many signups for one address in 24 hours
/// (`SIGNUP_EMAILS_PER_ADDRESS_PER_DAY`). Nothing was submitted; `Retry-After`
/// says when the address may sign up again.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TooManySignups {
    #[schema(example = "too many signups for this email address in 24 hours")]
    pub error: String,
    /// Always `TOO_MANY_SIGNUPS`.
    #[schema(example = "TOO_MANY_SIGNUPS", pattern = "^TOO_MANY_SIGNUPS$")]
    pub error_type: String,
}

/// The value of `Idempotent-Replayed`, sent only on a replayed answer.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum Replayed {
    #[serde(rename = "true")]
    True,
}

/// The value of `WWW-Authenticate` on a 401.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum BearerChallenge {
    Bearer,
}
