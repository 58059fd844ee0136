//! The app's subscriptions: which events exist, each active or not.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admit::{admit, parse};
use crate::clock::{iso, now_ms};
use crate::errors;
use crate::shared::Shared;
use crate::state::Subscription;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionCreate {
    event_type: String,
    #[serde(default)]
    property_name: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct SubscriptionPatch {
    active: bool,
}

fn subscription_json(subscription: &Subscription) -> Value {
    let mut body = json!({
        "id": subscription.id.to_string(),
        "eventType": subscription.event_type,
        "active": subscription.active,
        "createdAt": iso(subscription.created_at),
        "updatedAt": iso(subscription.updated_at),
    });
    if let Some(property) = &subscription.property_name {
        body["propertyName"] = json!(property);
    }
    body
}

pub(super) async fn list_subscriptions(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path).await {
        return refused.error_response();
    }
    let results: Vec<Value> = shared
        .lock()
        .subscriptions
        .iter()
        .map(subscription_json)
        .collect();
    HttpResponse::Ok().json(json!({ "results": results }))
}

pub(super) async fn create_subscription(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path).await {
        return refused.error_response();
    }
    let create: SubscriptionCreate = match parse(&body) {
        Ok(create) => create,
        Err(refused) => return refused.error_response(),
    };
    let (object, action) = create.event_type.split_once('.').unwrap_or(("", ""));
    if object.is_empty() || action.is_empty() {
        return errors::validation("eventType must look like `contact.creation`");
    }
    if action == "propertyChange" && create.property_name.is_none() {
        return errors::validation("propertyName is required for propertyChange subscriptions");
    }
    let now = now_ms();
    let mut state = shared.lock();
    let subscription = Subscription {
        id: state.next_subscription_id,
        event_type: create.event_type,
        property_name: create.property_name,
        active: create.active.unwrap_or(false),
        created_at: now,
        updated_at: now,
    };
    state.next_subscription_id += 1;
    let body = subscription_json(&subscription);
    state.subscriptions.push(subscription);
    HttpResponse::Created().json(body)
}

fn subscription_path(path: &(String, String)) -> Option<u64> {
    path.1.parse().ok()
}

pub(super) async fn patch_subscription(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path.0).await {
        return refused.error_response();
    }
    let patch: SubscriptionPatch = match parse(&body) {
        Ok(patch) => patch,
        Err(refused) => return refused.error_response(),
    };
    let id = subscription_path(&path);
    let mut state = shared.lock();
    match state.subscriptions.iter_mut().find(|s| Some(s.id) == id) {
        Some(subscription) => {
            subscription.active = patch.active;
            subscription.updated_at = now_ms();
            HttpResponse::Ok().json(subscription_json(subscription))
        }
        None => errors::object_not_found(&path.1),
    }
}

pub(super) async fn delete_subscription(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path.0).await {
        return refused.error_response();
    }
    let id = subscription_path(&path);
    let mut state = shared.lock();
    let before = state.subscriptions.len();
    state.subscriptions.retain(|s| Some(s.id) != id);
    if state.subscriptions.len() == before {
        return errors::object_not_found(&path.1);
    }
    HttpResponse::NoContent().finish()
}
