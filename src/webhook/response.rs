//! The body the receiver answers a refused delivery with (HubSpot only reads
//! the status; operators read the sentence).

use serde::Serialize;
use utoipa::ToSchema;

/// 400, 401, 408, 413, 503: why the delivery was not recorded, without internal detail.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookErrorBody {
    #[schema(example = "invalid or missing signature")]
    pub error: String,
}
