//! Every setting of `serve` (and of `check`), as the command line and the
//! environment give them: each flag falls back to its environment variable,
//! then to its documented default, and is read by its own parser into its
//! type. A setting is defined once, where its field is.

use std::ffi::{OsStr, OsString};
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Command, FromArgMatches};
use secrecy::SecretString;

use super::hubspot::HubSpotArgs;
use super::log_format::LogFormat;
use super::redis::RedisArgs;
use super::setting::{optional, setting};
use super::signup::SignupSettings;
use super::values::{positive_duration, secret};
use super::webhook::WebhookReceiverSettings;
use super::worker::WorkerSettings;

/// Settings of `serve` (and of the commands that talk to the same Redis and
/// HubSpot account). Each flag falls back to the environment variable shown.
#[derive(Debug, Clone, clap::Args)]
pub struct SettingsArgs {
    /// HTTP listen address.
    #[arg(
        long,
        env = "LISTEN_ADDR",
        default_value = "0.0.0.0:8080",
        value_parser = setting(listen_addr)
    )]
    pub listen_addr: SocketAddr,

    /// Deadline for a client to send its request head, and again its body;
    /// past it the request gets 408 and the connection is closed.
    #[arg(
        long,
        env = "HTTP_READ_TIMEOUT",
        default_value = "10s",
        value_parser = setting(positive_duration)
    )]
    pub http_read_timeout: Duration,

    #[command(flatten)]
    pub redis: RedisArgs,

    #[command(flatten)]
    pub hubspot: HubSpotArgs,

    /// Bearer token the app backend presents on /v1/signups. Prefer the environment.
    #[arg(
        long,
        env = "SIGNUP_API_TOKEN",
        hide_env_values = true,
        default_value = "",
        hide_default_value = true,
        value_parser = optional(secret)
    )]
    pub signup_api_token: std::option::Option<SecretString>,

    #[command(flatten)]
    pub webhook: WebhookReceiverSettings,

    #[command(flatten)]
    pub signup: SignupSettings,

    #[command(flatten)]
    pub worker: WorkerSettings,

    /// Log format: `text` or `json`.
    #[arg(long, env = "LOG_FORMAT", default_value = "text", value_parser = setting(LogFormat::parse))]
    pub log_format: LogFormat,
}

/// Every setting at its documented default, the required ones unset; the
/// process environment is not read. Code that builds a configuration (the
/// demo, tests) starts here, sets typed fields, then calls
/// [`super::Config::from_args`].
impl Default for SettingsArgs {
    fn default() -> Self {
        Self::with_values(&[]).expect("the documented defaults are valid")
    }
}

impl SettingsArgs {
    /// The settings `values` names by environment variable (the last value of
    /// a variable wins), every other one at its default, read by the same
    /// parsers as the command line; the process environment is not read.
    pub(super) fn with_values(values: &[(&str, &str)]) -> Result<Self, clap::Error> {
        let command = Self::augment_args(Command::new("signup-reactor"));
        if let Some((unknown, _)) = values.iter().find(|(variable, _)| {
            !command
                .get_arguments()
                .any(|arg| arg.get_env() == Some(OsStr::new(variable)))
        }) {
            return Err(clap::Error::raw(
                clap::error::ErrorKind::UnknownArgument,
                format!("{unknown} is not a setting of signup-reactor\n"),
            ));
        }
        let mut argv = vec![OsString::from("signup-reactor")];
        for arg in command.get_arguments() {
            let (Some(long), Some(variable)) = (arg.get_long(), arg.get_env()) else {
                continue;
            };
            let given = values
                .iter()
                .rev()
                .find(|(name, _)| OsStr::new(name) == variable)
                .map(|(_, value)| OsString::from(value));
            // Every setting is given on the command line, its default when
            // not set: the environment only fills in what the command line leaves.
            let Some(value) =
                given.or_else(|| arg.get_default_values().first().map(|d| d.to_os_string()))
            else {
                continue;
            };
            let mut flag = OsString::from(format!("--{long}="));
            flag.push(value);
            argv.push(flag);
        }
        let matches = command.try_get_matches_from(argv)?;
        Self::from_arg_matches(&matches)
    }
}

fn listen_addr(raw: &str) -> Result<SocketAddr, String> {
    raw.trim()
        .parse()
        .map_err(|_| "expected host:port, e.g. 0.0.0.0:8080".to_owned())
}
