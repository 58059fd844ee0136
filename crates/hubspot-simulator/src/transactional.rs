//! Transactional Single Send and its status poll. Like HubSpot, a send to an
//! address with no contact creates one (Original Source `OFFLINE`), writes
//! `contactProperties` onto the contact, and sends at most one email per
//! `sendId`.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clock::{iso, now_ms};
use super::contacts;
use super::errors;
use super::faults::Endpoint;
use super::gate::{self, Credential};
use super::shared::Shared;
use super::state::EmailRecord;
use super::webhooks;
use crate::email::Email;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendBody {
    email_id: Option<Value>,
    message: Option<MessageBody>,
    #[serde(default)]
    contact_properties: Option<Value>,
    #[serde(default)]
    custom_properties: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageBody {
    to: Option<String>,
    send_id: Option<String>,
}

/// `contactProperties` as a map; the older `[{name, value}]` form is accepted too.
fn contact_properties(raw: Option<&Value>) -> BTreeMap<String, String> {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    match raw {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| {
                let name = item.get("name")?.as_str()?;
                Some((name.to_owned(), text(item.get("value")?)))
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// `POST /marketing/transactional/{version}/single-email/send` (dated).
pub async fn send_dated(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    if !super::crm::known_version(&path.into_inner()) {
        return errors::standard(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", "Not found", None);
    }
    send_impl(shared.into_inner(), request, body).await
}

/// `POST /marketing/v3/transactional/single-email/send`.
pub async fn send(
    shared: web::Data<Shared>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    send_impl(shared.into_inner(), request, body).await
}

async fn send_impl(shared: Arc<Shared>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    if let Err(refused) =
        gate::admit(&shared, &request, Endpoint::SingleSend, Credential::Bearer).await
    {
        return refused.error_response();
    }
    let body: SendBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return errors::validation(&format!("Invalid input JSON: {error}")),
    };
    let Some(email_id) = body.email_id.as_ref().and_then(Value::as_u64) else {
        return errors::validation("emailId is required and must be an integer");
    };
    let Some(message) = body.message else {
        return errors::validation("message is required");
    };
    let Some(to) = message.to.as_deref().and_then(|to| Email::parse(to).ok()) else {
        return errors::validation("message.to is required and must be a valid email address");
    };
    let emails = &shared.config.email_ids;
    if !emails.is_empty() && !emails.contains(&email_id) {
        return errors::standard(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            &format!("Transactional email {email_id} does not exist"),
            None,
        );
    }
    let properties = contact_properties(body.contact_properties.as_ref());
    let custom = body.custom_properties.unwrap_or(Value::Null);
    let now = now_ms();
    let lag = shared.draw_delay(shared.config.visibility_lag);
    let visible_at = now + u64::try_from(lag.as_millis()).unwrap_or(0);
    let send_delay = shared.draw_delay(shared.config.send_delay);
    let completed_at = now + u64::try_from(send_delay.as_millis()).unwrap_or(0);
    let status_id = Shared::uuid();
    let mut record = EmailRecord {
        status_id: status_id.clone(),
        send_id: message.send_id.clone(),
        email_id,
        to: to.as_str().to_owned(),
        requested_at: now,
        completed_at,
        sent: true,
        send_result: "SENT".to_owned(),
        contact_id: None,
        contact_existed: false,
        contact_visible: false,
        created_contact: false,
        contact_properties: properties.clone(),
        custom_properties: custom,
    };
    let events = {
        let mut state = shared.lock();
        let repeated = message
            .send_id
            .as_ref()
            .is_some_and(|id| state.send_ids.contains_key(id));
        if repeated {
            let contact = state.by_email.get(to.as_str()).copied();
            record.sent = false;
            record.send_result = "IDEMPOTENT_IGNORE".to_owned();
            record.completed_at = now;
            record.contact_id = contact;
            record.contact_existed = contact.is_some();
            record.contact_visible = contact
                .and_then(|id| state.contacts.get(&id))
                .is_some_and(|c| c.visible(now));
            state.emails.push(record.clone());
            Vec::new()
        } else {
            let effect = contacts::apply_single_send(
                &shared.config,
                &mut state,
                to.as_str(),
                &properties,
                visible_at,
            );
            if let Some(effect) = &effect {
                record.contact_id = Some(effect.contact_id);
                record.contact_existed = effect.existed;
                record.contact_visible = effect.visible;
                record.created_contact = effect.created;
            }
            if let Some(send_id) = &message.send_id {
                state.send_ids.insert(send_id.clone(), status_id.clone());
            }
            state.emails.push(record.clone());
            effect.map(|e| e.events).unwrap_or_default()
        }
    };
    webhooks::enqueue(&shared, events);
    let mut response = json!({
        "requestedAt": iso(now),
        "statusId": status_id,
        "status": if record.sent { "PENDING" } else { "COMPLETE" },
    });
    if !record.sent {
        response["sendResult"] = json!(record.send_result);
        response["completedAt"] = json!(iso(now));
    }
    HttpResponse::Ok().json(response)
}

/// `GET /marketing/v3/email/send-statuses/{statusId}`.
pub async fn status(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) =
        gate::admit(&shared, &request, Endpoint::SendStatus, Credential::Bearer).await
    {
        return refused.error_response();
    }
    let status_id = path.into_inner();
    let record = shared
        .lock()
        .emails
        .iter()
        .find(|e| e.status_id == status_id)
        .cloned();
    let Some(record) = record else {
        return errors::standard(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            &format!("Send status {status_id} not found"),
            None,
        );
    };
    let mut body = json!({
        "statusId": record.status_id,
        "requestedAt": iso(record.requested_at),
        "startedAt": iso(record.requested_at),
    });
    if now_ms() >= record.completed_at {
        body["status"] = json!("COMPLETE");
        body["sendResult"] = json!(record.send_result);
        body["completedAt"] = json!(iso(record.completed_at));
    } else {
        body["status"] = json!("PROCESSING");
    }
    HttpResponse::Ok().json(body)
}
