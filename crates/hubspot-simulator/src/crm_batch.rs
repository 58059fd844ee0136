//! Batch reads: `POST …/contacts/batch/read` (v3 and dated paths) with its
//! 207 for inputs that do not exist or are not visible yet, and the legacy
//! batch of profiles `GET /contacts/v1/contact/vids/batch/`, which simply
//! leaves such contacts out.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::clock::{iso, now_ms};
use super::crm::{ReadQuery, known_version, parse_query, v3_body, visible_contact};
use super::crm_legacy::legacy_body;
use super::errors;
use super::faults::Endpoint;
use super::gate::{self, Credential};
use super::shared::Shared;
use crate::email::Email;

/// HubSpot's limit of inputs per batch.
const MAX_INPUTS: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchReadBody {
    inputs: Option<Vec<BatchInput>>,
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    properties_with_history: Vec<String>,
    #[serde(default)]
    id_property: Option<String>,
}

#[derive(Debug, Deserialize)]
struct BatchInput {
    id: Value,
}

/// `POST /crm/objects/{version}/contacts/batch/read` (dated).
pub async fn batch_read_dated(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    if !known_version(&path.into_inner()) {
        return errors::standard(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", "Not found", None);
    }
    batch_read_impl(shared.into_inner(), request, body).await
}

/// `POST /crm/v3/objects/contacts/batch/read`.
pub async fn batch_read(
    shared: web::Data<Shared>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    batch_read_impl(shared.into_inner(), request, body).await
}

async fn batch_read_impl(
    shared: Arc<Shared>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    if let Err(refused) = gate::admit(
        &shared,
        &request,
        Endpoint::CrmBatchRead,
        Credential::Bearer,
    )
    .await
    {
        return refused.error_response();
    }
    let started = now_ms();
    let body: BatchReadBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return errors::validation(&format!("Invalid input JSON: {error}")),
    };
    let Some(inputs) = body.inputs else {
        return errors::validation("inputs is required");
    };
    if inputs.len() > MAX_INPUTS {
        return errors::validation(&format!(
            "Batch input limit is {MAX_INPUTS}, {} given",
            inputs.len()
        ));
    }
    let by_email = match body.id_property.as_deref() {
        None | Some("hs_object_id") => false,
        Some("email") => true,
        Some(other) => {
            return errors::validation(&format!(
                "{other} is not a unique property of contacts; use email or hs_object_id"
            ));
        }
    };
    let query = ReadQuery {
        properties: body.properties,
        with_history: body.properties_with_history,
        ..ReadQuery::default()
    };
    let mut results = Vec::new();
    let mut missing = Vec::new();
    for input in inputs {
        let raw = match &input.id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let contact = if by_email {
            Email::parse(&raw)
                .ok()
                .and_then(|email| visible_contact(&shared, None, Some(email.as_str())))
        } else {
            raw.trim()
                .parse::<u64>()
                .ok()
                .and_then(|id| visible_contact(&shared, Some(id), None))
        };
        match contact {
            Some(contact) => results.push(v3_body(&contact, &query)),
            None => missing.push(raw),
        }
    }
    let mut answer = json!({
        "status": "COMPLETE",
        "results": results,
        "requestedAt": iso(started),
        "startedAt": iso(started),
        "completedAt": iso(now_ms()),
    });
    if missing.is_empty() {
        return HttpResponse::Ok().json(answer);
    }
    answer["numErrors"] = json!(1);
    answer["errors"] = json!([{
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.",
        "context": { "ids": missing },
        "errors": [],
        "links": {},
    }]);
    HttpResponse::build(StatusCode::MULTI_STATUS).json(answer)
}

/// `GET /contacts/v1/contact/vids/batch/?vid=…`: an object keyed by vid;
/// unknown or not yet visible vids are left out.
pub async fn legacy_profile_batch(shared: web::Data<Shared>, request: HttpRequest) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = gate::admit(
        &shared,
        &request,
        Endpoint::LegacyProfileBatch,
        Credential::Bearer,
    )
    .await
    {
        return refused.error_response();
    }
    let query = parse_query(request.query_string());
    let vids: Vec<String> = url::form_urlencoded::parse(request.query_string().as_bytes())
        .filter(|(name, _)| name == "vid")
        .map(|(_, value)| value.into_owned())
        .collect();
    if vids.len() > MAX_INPUTS {
        return errors::validation(&format!("at most {MAX_INPUTS} vids per request"));
    }
    let mut profiles = Map::new();
    for raw in vids {
        let contact = raw
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|id| visible_contact(&shared, Some(id), None));
        if let Some(contact) = contact {
            profiles.insert(
                contact.id.to_string(),
                legacy_body(&contact, &query, shared.config.portal_id),
            );
        }
    }
    HttpResponse::Ok().json(Value::Object(profiles))
}
