//! `GET /healthz`, `GET /readyz`, `GET /metrics`.

use actix_web::HttpResponse;
use actix_web::web::Data;
use metrics_exporter_prometheus::PrometheusHandle;

use super::ReadinessWatch;

/// Alive: the process answers. Never touches dependencies.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Ready: Redis (every slot of a cluster) takes writes and scripts, so
/// deliveries can be recorded and the work done. Answered from the
/// background probe (at most 2 s old); the request itself asks Redis nothing.
pub async fn readyz(readiness: Data<ReadinessWatch>) -> HttpResponse {
    if readiness.is_ready().await {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "redis": "ok" }))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "not ready", "redis": "not usable" }))
    }
}

/// Prometheus text exposition.
pub async fn metrics(handle: Data<PrometheusHandle>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle.render())
}
