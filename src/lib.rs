//! signup-reactor: HubSpot signups that keep their form attribution and get
//! exactly one verification email.
#![forbid(unsafe_code)]

pub mod backoff;
pub mod clock;
pub mod commands;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod domain;
mod error_chain;
pub mod http;
pub mod hubspot;
pub mod metric_labels;
pub mod openapi;
pub mod ops;
pub mod signup;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod webhook;
pub mod worker;
