//! Test harness: a private redis-server per test and the application on port 0.
#![allow(dead_code)]

pub mod app;
pub mod contract;
pub mod holding_proxy;
pub mod redis_cluster;
pub mod redis_server;
pub mod stack;
pub mod stub_http;
pub mod tls;
pub mod webhooks;
