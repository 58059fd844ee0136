//! Integration tests of the reactor over real HTTP against a private Redis.

#[path = "../support/mod.rs"]
mod support;

mod check_contact;
mod health;
mod hubspot_client;
mod hubspot_wire;
mod ops;
mod project_app;
mod shutdown;
mod signups;
mod subscriptions_sync;
mod webhook_auth;
mod webhook_recording;
mod webhook_redis_outage;
mod worker_flow;
mod worker_resilience;
