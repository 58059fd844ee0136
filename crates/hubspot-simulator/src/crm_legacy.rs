//! The legacy v1 contact profile, with `form-submissions` (which v3 reads
//! only as a calculated property), served and reused by the batch read.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde_json::{Map, Value, json};

use super::crm::{ReadQuery, parse_query, visible_contact};
use super::errors;
use super::faults::Endpoint;
use super::gate::{self, Credential};
use super::shared::Shared;
use super::state::Contact;

/// The legacy v1 profile, with `form-submissions`.
pub(super) fn legacy_body(contact: &Contact, query: &ReadQuery, portal_id: u64) -> Value {
    let full_history = query.property_mode.as_deref() == Some("value_and_history");
    let properties: Map<String, Value> = contact
        .properties
        .iter()
        .filter_map(|(name, versions)| {
            let current = versions.first()?;
            let shown = if full_history { versions.len() } else { 1 };
            let versions: Vec<Value> = versions[..shown]
                .iter()
                .map(|v| {
                    json!({
                        "value": v.value,
                        "source-type": v.source_type,
                        "source-id": v.source_id,
                        "source-label": v.source_label,
                        "timestamp": v.timestamp,
                        "selected": false,
                    })
                })
                .collect();
            Some((
                name.clone(),
                json!({ "value": current.value, "versions": versions }),
            ))
        })
        .collect();
    let submissions: Vec<Value> = contact
        .form_submissions
        .iter()
        .map(|s| {
            let mut entry = json!({
                "conversion-id": s.conversion_id,
                "timestamp": s.timestamp,
                "form-id": s.form_id,
                "portal-id": s.portal_id,
                "title": s.title,
                "meta-data": [],
            });
            if let Some(url) = &s.page_url {
                entry["page-url"] = json!(url);
            }
            entry
        })
        .collect();
    let submissions = match query.form_submission_mode.as_deref().unwrap_or("newest") {
        "all" => submissions,
        "none" => Vec::new(),
        "oldest" => submissions.last().cloned().into_iter().collect(),
        _ => submissions.first().cloned().into_iter().collect(),
    };
    let email = contact.email.clone().unwrap_or_default();
    json!({
        "vid": contact.id,
        "canonical-vid": contact.id,
        "merged-vids": [],
        "portal-id": portal_id,
        "is-contact": true,
        "profile-url": format!("https://app.hubspot.com/contacts/{portal_id}/contact/{}", contact.id),
        "properties": properties,
        "form-submissions": submissions,
        "list-memberships": [],
        "identity-profiles": [{
            "vid": contact.id,
            "saved-at-timestamp": contact.created_at,
            "deleted-changed-timestamp": 0,
            "identities": [{ "type": "EMAIL", "value": email, "timestamp": contact.created_at }],
        }],
        "merge-audits": [],
    })
}

/// `GET /contacts/v1/contact/vid/{vid}/profile`.
pub async fn legacy_profile(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = gate::admit(
        &shared,
        &request,
        Endpoint::LegacyProfile,
        Credential::Bearer,
    )
    .await
    {
        return refused.error_response();
    }
    let query = parse_query(request.query_string());
    let raw = path.into_inner();
    let contact = raw
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|id| visible_contact(&shared, Some(id), None));
    match contact {
        Some(contact) => {
            HttpResponse::Ok().json(legacy_body(&contact, &query, shared.config.portal_id))
        }
        None => errors::standard(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            "contact does not exist",
            None,
        ),
    }
}
