//! Each route's operation: its parameters, security and every answer, naming
//! the Rust types the handlers send. The functions carry only the attributes;
//! the handlers live with their flows (`signup`, `webhook`, `http`).
#![allow(dead_code)]

use crate::signup::request::SignupRequest;
use crate::signup::response::{
    BearerChallenge, Replayed, SignupAccepted, SignupErrorBody, TooManySignups, UnprocessableSignup,
};
use crate::webhook::response::WebhookErrorBody;

use super::schemas::{Alive, ReadinessBody, WebhookBatch};

/// `POST /v1/signups`.
#[utoipa::path(
    post,
    path = "/v1/signups",
    tag = "signups",
    operation_id = "createSignup",
    summary = "Hand a signup to the reactor",
    description = "Records the signup, then submits it to HubSpot's Forms API (and only there), \
                   or queues it durably when HubSpot cannot take it now. Once accepted (202), the \
                   reactor sends the verification email exactly once, after the contact exists \
                   with this submission on it.\n\n\
                   Send an `Idempotency-Key` to retry safely: the same key with the same body \
                   answers the first request's 202 or HubSpot 422 again (`Idempotent-Replayed: \
                   true`) and never submits twice.",
    request_body(content = SignupRequest, content_type = "application/json"),
    params(
        ("Idempotency-Key" = Option<String>, Header,
         description = "1 to 255 visible ASCII characters; kept for `IDEMPOTENCY_TTL` (24 h by default).",
         nullable = false, min_length = 1, max_length = 255, pattern = r"^[\x21-\x7E]+$",
         example = "signup-7f3c2a91"),
    ),
    security(("signupToken" = [])),
    responses(
        (status = 202, description = "Accepted: `submitted` (the Forms API took it) or `queued` \
                                      (HubSpot could not take it now; the reactor submits it \
                                      later). Either way the reactor answers for it: do not \
                                      send it again.",
         body = SignupAccepted,
         headers(("Idempotent-Replayed" = Replayed,
                  description = "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.")),
         examples(
             ("submitted" = (summary = "The Forms API took it",
                             value = json!({"signupId": "26cf1566-174a-4539-917f-3f57b7729ce4", "status": "submitted"}))),
             ("queued" = (summary = "Stored; the reactor submits it later",
                          value = json!({"signupId": "6772a1e0-c511-41cb-9c41-ba60a06676f1", "status": "queued"})))
         )),
        (status = 400, description = "The body is not JSON of this shape (an unknown or mistyped \
                                      member), or the Idempotency-Key is unusable.",
         body = SignupErrorBody),
        (status = 401, description = "Missing or wrong bearer token.", body = SignupErrorBody,
         headers(("WWW-Authenticate" = BearerChallenge, description = "`Bearer`."))),
        (status = 408, description = "The body did not arrive within `HTTP_READ_TIMEOUT` (a \
                                      request head that does not is closed with an empty 408, \
                                      before any route is chosen).",
         body = SignupErrorBody),
        (status = 409, description = "A request with this Idempotency-Key is still being \
                                      processed: retry the same request in a moment.",
         body = SignupErrorBody),
        (status = 413, description = "The body is larger than 256 KiB.", body = SignupErrorBody),
        (status = 422, description = "Not accepted, nothing submitted: the signup breaks a rule \
                                      (`errors` names each field), HubSpot's Forms API rejected \
                                      it (HubSpot's `errorType`s; a replay carries \
                                      `Idempotent-Replayed`), or the Idempotency-Key was used \
                                      with another body. Fix the request; do not retry it as is.",
         body = UnprocessableSignup,
         headers(("Idempotent-Replayed" = Replayed,
                  description = "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.")),
         examples(
             ("invalid" = (summary = "The reactor's validation",
                           value = json!({"error": "the signup is invalid", "errors": [
                               {"field": "context.pageUri", "errorType": "INVALID_PAGE_URI",
                                "message": "expected an absolute http(s) URL"}]}))),
             ("rejected" = (summary = "HubSpot's Forms API refused it",
                            value = json!({"error": "HubSpot rejected the submission",
                                           "message": "The request is not valid", "errors": [
                               {"errorType": "INVALID_EMAIL", "message": "Invalid email address"}]}))),
             ("keyReused" = (summary = "The Idempotency-Key came with another body",
                             value = json!({"error": "Idempotency-Key was already used with a different request"})))
         )),
        (status = 429, description = "Too many signups for this address in 24 hours \
                                      (`SIGNUP_EMAILS_PER_ADDRESS_PER_DAY`, errorType \
                                      `TOO_MANY_SIGNUPS`); nothing was recorded or submitted.",
         body = TooManySignups,
         headers(("Retry-After" = u32, description = "Seconds until the address may sign up again."))),
        (status = 503, description = "The signup was not accepted (Redis did not record it, \
                                      or its acceptance, in time): nothing of this request will \
                                      be submitted or emailed. Retry with the same \
                                      Idempotency-Key.",
         body = SignupErrorBody),
    )
)]
fn create_signup() {}

/// `POST /webhooks/hubspot`.
#[utoipa::path(
    post,
    path = "/webhooks/hubspot",
    tag = "webhooks",
    operation_id = "receiveHubSpotWebhook",
    summary = "Receive a HubSpot webhook delivery",
    description = "Verifies the signature, deduplicates the events through Redis and records \
                   them durably; the worker acts on them later. HubSpot retries any answer but \
                   2xx (up to 10 times over 24 hours).",
    request_body(content = WebhookBatch, content_type = "application/json"),
    security(
        ("hubspotSignatureV3" = [], "hubspotRequestTimestamp" = []),
        ("hubspotSignatureLegacy" = [], "hubspotSignatureVersion" = []),
    ),
    responses(
        (status = 204, description = "Every event is durably recorded, a known duplicate, or \
                                      not one the reactor records."),
        (status = 400, description = "The body is not a JSON array.", body = WebhookErrorBody),
        (status = 401, description = "Missing, wrong or stale signature.", body = WebhookErrorBody),
        (status = 408, description = "The body did not arrive within `HTTP_READ_TIMEOUT` (a \
                                      request head that does not is closed with an empty 408, \
                                      before any route is chosen).",
         body = WebhookErrorBody),
        (status = 413, description = "The body is larger than `WEBHOOK_MAX_BODY_BYTES`.",
         body = WebhookErrorBody),
        (status = 503, description = "Redis could not record the events; HubSpot retries and \
                                      nothing is lost.",
         body = WebhookErrorBody),
    )
)]
fn receive_webhook() {}

/// `GET /healthz`.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    operation_id = "healthz",
    summary = "Liveness: the process answers (never touches Redis)",
    responses((status = 200, description = "Alive.", body = Alive)),
)]
fn healthz() {}

/// `GET /readyz`.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    operation_id = "readyz",
    summary = "Readiness: the reactor can work on Redis",
    responses(
        (status = 200, description = "Redis (every slot of a cluster) takes writes and scripts.",
         body = ReadinessBody),
        (status = 503, description = "Redis is not usable.", body = ReadinessBody),
    ),
)]
fn readyz() {}

/// `GET /metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    operation_id = "metrics",
    summary = "Prometheus metrics (the README's metrics reference)",
    responses(
        (status = 200, description = "Prometheus text exposition 0.0.4.",
         body = String, content_type = "text/plain"),
    ),
)]
fn metrics() {}

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    operation_id = "openapi",
    summary = "This document",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of the reactor's HTTP interface.",
         body = Object, content_type = "application/json"),
    ),
)]
fn openapi_json() {}
