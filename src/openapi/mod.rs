//! The reactor's HTTP interface as an OpenAPI 3.1 document, derived from the
//! request and response types the handlers use, and served at
//! `GET /openapi.json` by every role (each serves the routes it documents or,
//! for a worker, the shared ones; the document describes the full server).

mod paths;
mod schemas;
mod security;

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::OpenApi;

/// The document's root: every path, the schemas they name, the security schemes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "signup-reactor",
        description = "HubSpot signups that keep their form attribution and get exactly one \
                       verification email. The app backend posts signups to `/v1/signups`; HubSpot \
                       delivers contact webhooks to `/webhooks/hubspot`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        paths::create_signup,
        paths::receive_webhook,
        paths::healthz,
        paths::readyz,
        paths::metrics,
        paths::openapi_json,
    ),
    // Header schemas are not collected from the paths: named here.
    components(schemas(
        crate::signup::response::Replayed,
        crate::signup::response::BearerChallenge
    )),
    modifiers(&SECURITY_SCHEMES),
    tags(
        (name = "signups", description = "The app backend hands signups over."),
        (name = "webhooks", description = "HubSpot delivers contact events."),
        (name = "operations", description = "Health, readiness, metrics and this document."),
    )
)]
struct ApiDoc;

const SECURITY_SCHEMES: security::SecuritySchemes = security::SecuritySchemes;

/// The OpenAPI document of the reactor's HTTP interface.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// The document as pretty-printed JSON, as committed in `docs/openapi.json`.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    json.push('\n');
    json
}

/// `GET /openapi.json`: the document, built once.
pub async fn openapi_json() -> HttpResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.get_or_init(document_json).clone())
}
