//! Checks of the deployment files under `deploy/`: they parse, and they say
//! what the service needs (probes, replicas, Redis durability, configuration
//! that matches the README's table).

mod compose;
mod dockerfile;
mod files;
mod kubernetes;
mod metrics;
mod readme;
mod support;
mod yaml_files;
