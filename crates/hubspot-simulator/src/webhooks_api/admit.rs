//! What every Webhooks API call passes first: the developer key, faults, the
//! rate limit and this simulator's app id; and how its JSON bodies are read.

use actix_web::HttpRequest;

use crate::errors::Refusal;
use crate::faults::Endpoint;
use crate::gate::{self, Credential};
use crate::shared::Shared;

/// Auth, faults, rate limit, then the app id must be this simulator's app.
pub(super) async fn admit(
    shared: &Shared,
    request: &HttpRequest,
    app_id: &str,
) -> Result<(), Refusal> {
    gate::admit(
        shared,
        request,
        Endpoint::WebhooksApi,
        Credential::DeveloperKey,
    )
    .await?;
    if app_id != shared.config.app_id.to_string() {
        return Err(Refusal::NotFound(format!("App {app_id} not found")));
    }
    Ok(())
}

/// The JSON body as `T`, or the refusal HubSpot answers malformed input with.
pub(super) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body)
        .map_err(|error| Refusal::Invalid(format!("Invalid input JSON: {error}")))
}
