//! Test harness: a private redis-server per test and the application on port 0.
#![allow(dead_code)]

pub mod app;
pub mod binary;
pub mod contract;
pub mod driven;
pub mod driven_signups;
pub mod holding_proxy;
pub mod idempotency;
pub mod metrics;
pub mod records;
pub mod redis_cluster;
pub mod redis_cluster_nodes;
pub mod redis_server;
pub mod retrying;
pub mod stack;
pub mod stub_http;
pub mod sweep;
pub mod test_log;
pub mod tls;
pub mod webhooks;
