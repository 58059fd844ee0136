//! Integration tests of the reactor over real HTTP against a private Redis.

#[path = "../support/mod.rs"]
mod support;

/// The simulator's schema validation, shared rather than copied (its own-schema
/// half resolves paths against the crate that compiles it: use `OfficialSpec` here).
#[allow(dead_code)]
#[path = "../../crates/hubspot-simulator/tests/simulator/schemas.rs"]
mod schemas;

mod cluster;
mod cluster_partitions;
mod cluster_workers;
mod consumer_group;
mod contact_deletion;
mod dead_letter_contents;
mod dead_letters_replay;
mod event_consumers;
mod forms_answers;
mod forms_quota;
mod forms_retry;
mod health;
mod help_secrets;
mod hubspot_client;
mod hubspot_wire;
mod idempotency_fencing;
mod idempotency_lease;
mod metrics_bounds;
mod metrics_zero;
mod openapi;
mod ops;
mod ops_status;
mod partition_registrations;
mod preflight_contact;
mod project_app;
mod rate_limiter;
mod readiness;
mod redis_auth;
mod redis_tls;
mod send_id;
mod settings_relations;
mod shutdown;
mod signup_acceptance;
mod signup_ceiling;
mod signup_data;
mod signup_fence;
mod signups;
mod slow_clients;
mod subscriptions_sync;
mod sweep_fencing;
mod webhook_auth;
mod webhook_batches;
mod webhook_recording;
mod webhook_redis_outage;
mod webhook_replay;
mod worker_accepted;
mod worker_batches;
mod worker_flow;
mod worker_gauges;
mod worker_launch;
mod worker_lost_claims;
mod worker_pacing;
mod worker_resilience;
mod worker_signups;
mod worker_spare_quota;
mod worker_sweep;
mod worker_unkind;
mod worker_wake;
