//! Request latency histogram, labelled by route pattern, method and status.

use std::time::Instant;

use crate::telemetry::catalog;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Middleware recording `http_request_duration_seconds`.
pub async fn record_latency(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.call(req).await;
    let status = match &response {
        Ok(res) => res.status().as_u16().to_string(),
        Err(error) => error.as_response_error().status_code().as_u16().to_string(),
    };
    metrics::histogram!(
    catalog::HTTP_REQUEST_DURATION_SECONDS,
            "method" => method,
            "route" => route,
            "status" => status
        )
    .record(started.elapsed().as_secs_f64());
    response
}
