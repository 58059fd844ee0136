//! Typed, validated settings, on top of the parts they configure: each flag
//! or environment variable is read by its own parser into its type (a
//! malformed value stops the process with an error that names the variable),
//! then [`Config::from_args`] requires the required ones, derives the rest
//! and checks the settings against each other. The store and the HubSpot
//! client own their settings' types; this module only parses into them.
//!
//! A field typed `std::option::Option<T>` is a setting that may be left
//! blank: clap gives the blank text to its parser (`Option<T>` would make
//! clap refuse it).

mod args;
mod error;
mod from_args;
mod hubspot;
mod log_format;
mod redis;
mod relations;
mod setting;
mod settings;
mod signup;
mod values;
mod webhook;
mod worker;

pub use args::SettingsArgs;
pub use error::{ConfigError, setting_refused};
pub use hubspot::{HubSpotArgs, HubSpotSettings};
pub use log_format::LogFormat;
pub use redis::RedisArgs;
pub use relations::{
    CALLS_PER_LEASE, REDIS_CALLS_PER_CHECK, REDIS_CALLS_PER_FORMS_ATTEMPT, REDIS_CALLS_PER_SIGNUP,
};
pub use settings::Config;
pub use signup::SignupSettings;
pub use webhook::{MIN_DEDUPE_WINDOW, WebhookReceiverSettings};
pub use worker::{FormConfirmation, WorkerSettings};

#[cfg(test)]
mod defaults_tests;
#[cfg(test)]
mod test_settings;
#[cfg(test)]
mod tests;
