//! Checks of the deployment files under `deploy/`: they parse, and they say
//! what the service needs (probes, replicas, Redis durability, configuration
//! that matches the README's table).

mod compose;
mod compose_schema;
mod dockerfile;
mod files;
mod hubspot_project;
mod kubernetes;
mod kubernetes_config;
mod kubernetes_network;
mod metrics;
mod observability;
mod readme;
mod support;
mod yaml_files;
