//! The app's webhook settings: the target URL deliveries go to and the
//! throttling, as each root answers them.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admit::{admit, parse};
use crate::clock::{iso, now_ms};
use crate::errors;
use crate::shared::Shared;

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

pub(super) async fn get_settings(
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
        Some(url) => HttpResponse::Ok().json(settings_json(
            &request,
            url,
            state.max_concurrent_requests,
            state.settings_created_at,
            state.settings_updated_at,
        )),
        None => errors::standard(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            "No webhook settings",
            None,
        ),
    }
}

pub(super) async fn put_settings(
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
    HttpResponse::Ok().json(settings_json(
        &request,
        &change.target_url,
        state.max_concurrent_requests,
        state.settings_created_at,
        now,
    ))
}

/// The settings as each root answers them: v3 adds its throttling `period`.
fn settings_json(
    request: &HttpRequest,
    target_url: &str,
    max_concurrent_requests: usize,
    created_at: u64,
    updated_at: u64,
) -> Value {
    let mut throttling = json!({ "maxConcurrentRequests": max_concurrent_requests });
    if request.path().starts_with("/webhooks/v3/") {
        throttling["period"] = json!("SECONDLY");
    }
    json!({
        "targetUrl": target_url,
        "throttling": throttling,
        "createdAt": iso(created_at),
        "updatedAt": iso(updated_at),
    })
}

pub(super) async fn delete_settings(
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
