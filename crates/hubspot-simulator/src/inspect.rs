//! The inspection API under `/_sim/`: what happened inside the simulated
//! account (contacts with source and history, emails, webhook deliveries), and
//! requests counted by endpoint, the run's seed, and the runtime knobs
//! (webhook target, faults). Not part of HubSpot.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::faults::FaultRule;
use super::requests::RequestsByEndpoint;
use super::shared::Shared;
use super::state::DeliveryOutcome;
use crate::email::Email;

/// Body of `PUT /_sim/webhook-target`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetBody {
    /// The new target URL; `null` stops deliveries.
    pub target_url: Option<String>,
}

/// Counters for a quick look (`GET /_sim/stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub contacts: usize,
    pub contacts_created_by_single_send: usize,
    pub submissions: usize,
    pub submissions_processed: usize,
    pub emails_sent: usize,
    pub send_requests: usize,
    pub events: usize,
    pub held_back_events: usize,
    pub deliveries: usize,
    pub deliveries_delivered: usize,
    pub deliveries_failed: usize,
    pub duplicate_deliveries: usize,
    /// Requests refused with 429 because a budget was spent (injected 429s excluded).
    pub quota_rejections: usize,
    /// Every request received, by endpoint, failed ones included.
    pub requests: RequestsByEndpoint,
    pub pending_work: usize,
}

/// Computes [`Stats`] from the current state.
pub fn stats(shared: &Shared) -> Stats {
    let pending_work = shared.pending_work();
    let state = shared.lock();
    let count =
        |f: fn(&DeliveryOutcome) -> bool| state.deliveries.iter().filter(|d| f(&d.outcome)).count();
    Stats {
        contacts: state.contacts.len(),
        contacts_created_by_single_send: state
            .contacts
            .values()
            .filter(|c| c.created_by == super::state::CreatedBy::SingleSend)
            .count(),
        submissions: state.submissions.len(),
        submissions_processed: state
            .submissions
            .iter()
            .filter(|s| s.processed_at.is_some())
            .count(),
        emails_sent: state.emails.iter().filter(|e| e.sent).count(),
        send_requests: state.emails.len(),
        events: state.events.len(),
        held_back_events: state.held_back.len(),
        deliveries: state.deliveries.len(),
        deliveries_delivered: count(|o| *o == DeliveryOutcome::Delivered),
        deliveries_failed: count(|o| {
            matches!(
                o,
                DeliveryOutcome::HttpError
                    | DeliveryOutcome::Timeout
                    | DeliveryOutcome::ConnectError
            )
        }),
        duplicate_deliveries: state.deliveries.iter().filter(|d| d.duplicate).count(),
        quota_rejections: state.quota_rejections,
        requests: state.requests.clone(),
        pending_work,
    }
}

async fn contacts(shared: web::Data<Shared>) -> HttpResponse {
    let list: Vec<_> = shared.lock().contacts.values().cloned().collect();
    HttpResponse::Ok().json(list)
}

async fn contact(shared: web::Data<Shared>, path: web::Path<String>) -> HttpResponse {
    let key = path.into_inner();
    let state = shared.lock();
    let id = match key.parse::<u64>() {
        Ok(id) => Some(id),
        Err(_) => Email::parse(&key)
            .ok()
            .and_then(|email| state.by_email.get(email.as_str()).copied()),
    };
    match id.and_then(|id| state.contacts.get(&id)) {
        Some(contact) => HttpResponse::Ok().json(contact),
        None => HttpResponse::NotFound().json(json!({ "message": "no such contact" })),
    }
}

async fn submissions(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&shared.lock().submissions)
}

async fn emails(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&shared.lock().emails)
}

async fn events(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&shared.lock().events)
}

async fn deliveries(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&shared.lock().deliveries)
}

async fn get_stats(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(stats(&shared))
}

async fn get_target(shared: web::Data<Shared>) -> HttpResponse {
    let target_url = shared.lock().target_url.clone();
    HttpResponse::Ok().json(TargetBody { target_url })
}

async fn put_target(shared: web::Data<Shared>, body: web::Json<TargetBody>) -> HttpResponse {
    let target_url = body.into_inner().target_url;
    shared.lock().target_url = target_url.clone();
    HttpResponse::Ok().json(TargetBody { target_url })
}

async fn get_faults(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&shared.lock().faults)
}

async fn put_faults(shared: web::Data<Shared>, body: web::Json<Vec<FaultRule>>) -> HttpResponse {
    let rules = shared.install_faults(body.into_inner());
    shared.lock().faults = rules.clone();
    HttpResponse::Ok().json(rules)
}

async fn add_fault(shared: web::Data<Shared>, body: web::Json<FaultRule>) -> HttpResponse {
    let rules = shared.install_faults(vec![body.into_inner()]);
    let mut state = shared.lock();
    state.faults.extend(rules);
    HttpResponse::Ok().json(&state.faults)
}

async fn requests(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&shared.lock().requests)
}

async fn seed(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "seed": shared.config.rng_seed }))
}

async fn clear_faults(shared: web::Data<Shared>) -> HttpResponse {
    shared.lock().faults.clear();
    HttpResponse::NoContent().finish()
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Registers the `/_sim/` routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/_sim")
            .route("/health", web::get().to(health))
            .route("/stats", web::get().to(get_stats))
            .route("/requests", web::get().to(requests))
            .route("/seed", web::get().to(seed))
            .route("/contacts", web::get().to(contacts))
            .route("/contacts/{key}", web::get().to(contact))
            .route(
                "/contacts/{key}/properties",
                web::post().to(super::edits::set_properties),
            )
            .route("/submissions", web::get().to(submissions))
            .route("/emails", web::get().to(emails))
            .route("/events", web::get().to(events))
            .route("/deliveries", web::get().to(deliveries))
            .route("/webhook-target", web::get().to(get_target))
            .route("/webhook-target", web::put().to(put_target))
            .route("/faults", web::get().to(get_faults))
            .route("/faults", web::put().to(put_faults))
            .route("/faults", web::post().to(add_fault))
            .route("/faults", web::delete().to(clear_faults)),
    );
}
