//! Integration tests of the reactor over real HTTP against a private Redis.

#[path = "../support/mod.rs"]
mod support;

mod health;
mod ops;
mod shutdown;
mod signups;
mod webhook_auth;
mod webhook_recording;
mod webhook_redis_outage;
mod worker_flow;
mod worker_resilience;
mod worker_signups;
