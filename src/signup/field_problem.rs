//! The vocabulary of validation failures: one problem per field, shared by
//! the request's parts, the error and the 422 body.

use serde::Serialize;
use utoipa::ToSchema;

/// One problem with a request, by field, with an `errorType` in HubSpot's
/// vocabulary where HubSpot has one, so clients handle both alike.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldProblem {
    /// Where: `email`, `fields.<name>`, `context.<key>`, `emailCustomProperties[.<name>]`.
    #[schema(example = "context.pageUri")]
    pub field: String,
    /// HubSpot's `errorType` where HubSpot has one (`INVALID_EMAIL`,
    /// `INPUT_TOO_LARGE`, ...), else the reactor's (`INVALID_CONTEXT`, ...).
    #[schema(value_type = String, example = "INVALID_PAGE_URI")]
    pub error_type: &'static str,
    pub message: String,
}

impl FieldProblem {
    pub(super) fn new(
        field: impl Into<String>,
        error_type: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            error_type,
            message: message.into(),
        }
    }
}
