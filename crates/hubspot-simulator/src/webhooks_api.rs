//! The Webhooks v3 developer API (`/webhooks/v3/{appId}/...`, `hapikey`):
//! the app's target URL and its subscriptions. Changing the target here
//! changes where deliveries go; subscriptions decide which events exist.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clock::{iso, now_ms};
use super::errors::{self, Refusal};
use super::faults::Endpoint;
use super::gate::{self, Credential};
use super::shared::Shared;
use super::state::Subscription;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsChange {
    target_url: String,
    throttling: Throttling,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Throttling {
    max_concurrent_requests: usize,
}

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

/// Auth, faults, rate limit, then the app id must be this simulator's app.
async fn admit(shared: &Shared, request: &HttpRequest, app_id: &str) -> Result<(), Refusal> {
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

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body)
        .map_err(|error| Refusal::Invalid(format!("Invalid input JSON: {error}")))
}

async fn get_settings(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path).await {
        return refused.error_response();
    }
    let state = shared.lock();
    match &state.target_url {
        Some(url) => HttpResponse::Ok().json(json!({
            "targetUrl": url,
            "throttling": { "maxConcurrentRequests": state.max_concurrent_requests, "period": "SECONDLY" },
            "createdAt": iso(state.settings_created_at),
            "updatedAt": iso(state.settings_updated_at),
        })),
        None => errors::standard(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", "No webhook settings", None),
    }
}

async fn put_settings(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path).await {
        return refused.error_response();
    }
    let change: SettingsChange = match parse(&body) {
        Ok(change) => change,
        Err(refused) => return refused.error_response(),
    };
    if url::Url::parse(&change.target_url).is_err() {
        return errors::validation("targetUrl must be an absolute URL");
    }
    let now = now_ms();
    let mut state = shared.lock();
    state.target_url = Some(change.target_url.clone());
    state.max_concurrent_requests = change.throttling.max_concurrent_requests;
    state.settings_updated_at = now;
    HttpResponse::Ok().json(json!({
        "targetUrl": change.target_url,
        "throttling": { "maxConcurrentRequests": state.max_concurrent_requests, "period": "SECONDLY" },
        "createdAt": iso(state.settings_created_at),
        "updatedAt": iso(now),
    }))
}

async fn delete_settings(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let shared: Arc<Shared> = shared.into_inner();
    if let Err(refused) = admit(&shared, &request, &path).await {
        return refused.error_response();
    }
    shared.lock().target_url = None;
    HttpResponse::NoContent().finish()
}

async fn list_subscriptions(
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

async fn create_subscription(
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

async fn patch_subscription(
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

async fn delete_subscription(
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

/// Registers the `/webhooks/v3/{appId}/...` routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/webhooks/v3/{app_id}/settings")
                .route(web::get().to(get_settings))
                .route(web::put().to(put_settings))
                .route(web::delete().to(delete_settings)),
        )
        .service(
            web::resource("/webhooks/v3/{app_id}/subscriptions")
                .route(web::get().to(list_subscriptions))
                .route(web::post().to(create_subscription)),
        )
        .service(
            web::resource("/webhooks/v3/{app_id}/subscriptions/{subscription_id}")
                .route(web::patch().to(patch_subscription))
                .route(web::delete().to(delete_subscription)),
        );
}
