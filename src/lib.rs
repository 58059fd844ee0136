//! signup-reactor: HubSpot signups that keep their form attribution and get
//! exactly one verification email.
#![forbid(unsafe_code)]

pub mod domain;
pub mod simulator;
pub mod webhook;
