//! CRM reads of the v3 contact (by id or by email) and what every contact
//! read shares: its query and which contacts are visible. A contact not yet
//! visible answers 404, as a contact still being processed does in HubSpot.

use std::collections::BTreeSet;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde_json::{Map, Value, json};

use super::clock::{iso, now_ms};
use super::errors;
use super::faults::Endpoint;
use super::gate::{self, Credential};
use super::shared::Shared;
use super::state::Contact;
use crate::email::Email;

/// The calculated property listing a contact's form submissions.
const CALCULATED_FORM_SUBMISSIONS: &str = "hs_calculated_form_submissions";

/// Properties v3 returns when the request names none.
const DEFAULT_PROPERTIES: [&str; 6] = [
    "createdate",
    "email",
    "firstname",
    "hs_object_id",
    "lastmodifieddate",
    "lastname",
];

/// The query of a contact read: repeated or comma-separated lists both work.
#[derive(Debug, Default)]
pub(super) struct ReadQuery {
    pub(super) properties: Vec<String>,
    pub(super) with_history: Vec<String>,
    pub(super) archived: bool,
    pub(super) id_property: Option<String>,
    pub(super) form_submission_mode: Option<String>,
    pub(super) property_mode: Option<String>,
}

/// The dated API versions the simulator serves next to `v3`.
pub(super) const DATED_VERSIONS: [&str; 2] = ["2026-03", "2026-09"];

/// Whether `{version}` of a dated path is one HubSpot publishes.
pub(super) fn known_version(version: &str) -> bool {
    DATED_VERSIONS.contains(&version)
}

pub(super) fn parse_query(raw: &str) -> ReadQuery {
    let mut query = ReadQuery::default();
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let list = || {
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        match name.as_ref() {
            "properties" => query.properties.extend(list()),
            "propertiesWithHistory" => query.with_history.extend(list()),
            "archived" => query.archived = value.eq_ignore_ascii_case("true"),
            "idProperty" => query.id_property = Some(value.into_owned()),
            "formSubmissionMode" => query.form_submission_mode = Some(value.into_owned()),
            "propertyMode" => query.property_mode = Some(value.into_owned()),
            _ => {}
        }
    }
    query
}

/// Finds a contact visible to CRM reads now.
pub(super) fn visible_contact(
    shared: &Shared,
    id: Option<u64>,
    email: Option<&str>,
) -> Option<Contact> {
    let state = shared.lock();
    let id = match (id, email) {
        (Some(id), _) => id,
        (None, Some(email)) => *state.by_email.get(email)?,
        (None, None) => return None,
    };
    state
        .contacts
        .get(&id)
        .filter(|contact| contact.visible(now_ms()))
        .cloned()
}

/// The v3 representation (`SimplePublicObjectWithAssociations`).
pub(super) fn v3_body(contact: &Contact, query: &ReadQuery) -> Value {
    let wanted: BTreeSet<&str> = if query.properties.is_empty() {
        DEFAULT_PROPERTIES.into_iter().collect()
    } else {
        query.properties.iter().map(String::as_str).collect()
    };
    let properties: Map<String, Value> = wanted
        .into_iter()
        .filter_map(|name| {
            let value = if name == CALCULATED_FORM_SUBMISSIONS {
                contact.calculated_form_submissions()
            } else {
                contact.property(name).map(str::to_owned)
            };
            Some((name.to_owned(), json!(value?)))
        })
        .collect();
    let mut body = json!({
        "id": contact.id.to_string(),
        "properties": properties,
        "createdAt": iso(contact.created_at),
        "updatedAt": iso(contact.updated_at),
        "archived": false,
    });
    if !query.with_history.is_empty() {
        let history: Map<String, Value> = query
            .with_history
            .iter()
            .filter_map(|name| {
                let versions = contact.properties.get(name)?;
                let list: Vec<Value> = versions
                    .iter()
                    .map(|v| {
                        let mut entry = json!({
                            "value": v.value,
                            "timestamp": iso(v.timestamp),
                            "sourceType": v.source_type,
                        });
                        if let Some(id) = &v.source_id {
                            entry["sourceId"] = json!(id);
                        }
                        if let Some(label) = &v.source_label {
                            entry["sourceLabel"] = json!(label);
                        }
                        entry
                    })
                    .collect();
                Some((name.clone(), Value::Array(list)))
            })
            .collect();
        body["propertiesWithHistory"] = Value::Object(history);
    }
    body
}

/// `GET /crm/objects/{version}/contacts/{contactId}` (dated).
pub async fn get_contact_dated(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (version, id) = path.into_inner();
    if !known_version(&version) {
        return errors::object_not_found(&id);
    }
    read_contact(shared.into_inner(), request, id).await
}

/// `GET /crm/v3/objects/contacts/{contactId}`.
pub async fn get_contact(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    read_contact(shared.into_inner(), request, path.into_inner()).await
}

async fn read_contact(shared: Arc<Shared>, request: HttpRequest, raw_id: String) -> HttpResponse {
    if let Err(refused) =
        gate::admit(&shared, &request, Endpoint::CrmContact, Credential::Bearer).await
    {
        return refused.error_response();
    }
    let query = parse_query(request.query_string());
    let contact = match query.id_property.as_deref() {
        None | Some("hs_object_id") => raw_id
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|id| visible_contact(&shared, Some(id), None)),
        Some("email") => Email::parse(&raw_id)
            .ok()
            .and_then(|email| visible_contact(&shared, None, Some(email.as_str()))),
        Some(other) => {
            return errors::validation(&format!(
                "{other} is not a unique property of contacts; use email or hs_object_id"
            ));
        }
    };
    match contact {
        Some(contact) if !query.archived => HttpResponse::Ok().json(v3_body(&contact, &query)),
        _ => errors::object_not_found(&raw_id),
    }
}
