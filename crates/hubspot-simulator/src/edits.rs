//! Edits made to a contact in HubSpot's own interface (`POST
//! /_sim/contacts/{id or email}/properties`): property changes, the email
//! included, that raise their webhook events like any other change. They let
//! a test change a contact's email after its creation.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::clock::now_ms;
use super::contact_events;
use super::contacts::{self, WriteSource};
use super::shared::Shared;
use super::webhooks;
use crate::email::Email;

/// Sets the given properties on the contact (`email` re-keys it), then
/// schedules the events its subscriptions ask for. Answers the contact.
pub async fn set_properties(
    shared: web::Data<Shared>,
    path: web::Path<String>,
    body: web::Json<BTreeMap<String, String>>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    let key = path.into_inner();
    let mut properties = body.into_inner();
    if let Some(raw) = properties.get_mut("email") {
        match Email::parse(raw) {
            Ok(email) => *raw = email.as_str().to_owned(),
            Err(_) => {
                return HttpResponse::BadRequest().json(json!({ "message": "invalid email" }));
            }
        }
    }
    let (contact, events) = {
        let mut state = shared.lock();
        let id = match key.parse::<u64>() {
            Ok(id) => Some(id),
            Err(_) => Email::parse(&key)
                .ok()
                .and_then(|email| state.by_email.get(email.as_str()).copied()),
        };
        let Some(id) = id.filter(|id| state.contacts.contains_key(id)) else {
            return HttpResponse::NotFound().json(json!({ "message": "no such contact" }));
        };
        let now = now_ms();
        let source = WriteSource {
            source_type: "CRM_UI",
            source_id: None,
            source_label: None,
        };
        let mut changed = Vec::new();
        let mut old_email = None;
        if let Some(contact) = state.contacts.get_mut(&id) {
            for (name, value) in &properties {
                if contacts::set_property(contact, name, value, &source, now) {
                    changed.push((name.clone(), value.clone()));
                    if name == "email" {
                        old_email = contact.email.replace(value.clone());
                    }
                }
            }
        }
        if let Some(new) = properties.get("email").filter(|_| old_email.is_some()) {
            if let Some(old) = &old_email {
                state.by_email.remove(old);
            }
            state.by_email.insert(new.clone(), id);
        }
        let events = contact_events::events_for(
            &shared.config,
            &mut state,
            id,
            false,
            &changed,
            "CRM_UI",
            None,
            now,
        );
        (state.contacts.get(&id).cloned(), events)
    };
    webhooks::enqueue(&shared, events);
    HttpResponse::Ok().json(contact)
}
