//! `GET /healthz`, `GET /readyz`, `GET /metrics`.

use actix_web::HttpResponse;
use actix_web::web::Data;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::store::RedisStore;
use crate::telemetry::catalog;

/// Alive: the process answers. Never touches dependencies.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Ready: Redis (every slot of a cluster) takes writes and scripts, so
/// deliveries can be recorded and the work done.
pub async fn readyz(store: Data<RedisStore>) -> HttpResponse {
    match store.readiness().probe().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "redis": "ok" })),
        Err(error) => {
            metrics::counter!(catalog::REDIS_ERRORS, "operation" => "ping").increment(1);
            tracing::warn!(error = ?error, "readiness check failed: redis unreachable");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "not ready", "redis": "not usable" }))
        }
    }
}

/// Prometheus text exposition.
pub async fn metrics(handle: Data<PrometheusHandle>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle.render())
}
