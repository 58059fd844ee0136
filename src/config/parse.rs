//! Small parsers for setting values; every error names its variable.

use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// A setting that is missing or malformed, named by its environment variable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required but not set")]
    Missing(&'static str),
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
    /// A name given to [`super::ConfigBuilder::set`] that no setting has.
    #[error("{0} is not a setting of signup-reactor")]
    UnknownSetting(String),
}

impl ConfigError {
    pub(super) fn invalid(var: &'static str, reason: &str) -> Self {
        Self::Invalid {
            var,
            reason: reason.to_owned(),
        }
    }
}

pub(super) fn required<'a>(
    var: &'static str,
    value: &'a Option<String>,
) -> Result<&'a str, ConfigError> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ConfigError::Missing(var)),
    }
}

pub(super) fn secret(
    var: &'static str,
    value: &Option<String>,
) -> Result<SecretString, ConfigError> {
    required(var, value).map(|v| SecretString::from(v.to_owned()))
}

pub(super) fn parse_bool(var: &'static str, raw: &str) -> Result<bool, ConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" | "" => Ok(false),
        _ => Err(ConfigError::invalid(var, "expected true or false")),
    }
}

pub(super) fn parse_number<T: FromStr>(var: &'static str, raw: &str) -> Result<T, ConfigError> {
    raw.trim()
        .parse()
        .map_err(|_| ConfigError::invalid(var, "expected a non-negative whole number"))
}

pub(super) fn parse_duration(var: &'static str, raw: &str) -> Result<Duration, ConfigError> {
    humantime::parse_duration(raw.trim()).map_err(|_| {
        ConfigError::invalid(
            var,
            "expected a duration such as 500ms, 30s, 10m, 72h or 7d",
        )
    })
}

pub(super) fn positive_duration(var: &'static str, raw: &str) -> Result<Duration, ConfigError> {
    let duration = parse_duration(var, raw)?;
    if duration.is_zero() {
        return Err(ConfigError::invalid(var, "must be greater than zero"));
    }
    Ok(duration)
}

pub(super) fn parse_url(var: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw.trim())
        .map_err(|_| ConfigError::invalid(var, "expected an absolute http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::invalid(
            var,
            "expected an absolute http(s) URL",
        ));
    }
    Ok(url)
}
