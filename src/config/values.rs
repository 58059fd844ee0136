//! The parsers of the common kinds of setting: durations, whole numbers,
//! switches, URLs, quotas, secrets. Each takes the text as given and returns
//! the value, or the reason it is refused.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::store::Quota;

/// A duration with its unit.
pub fn duration(raw: &str) -> Result<Duration, String> {
    humantime::parse_duration(raw.trim())
        .map_err(|_| "expected a duration such as 500ms, 30s, 10m, 72h or 7d".to_owned())
}

/// A duration above zero.
pub fn positive_duration(raw: &str) -> Result<Duration, String> {
    let duration = duration(raw)?;
    if duration.is_zero() {
        return Err("must be greater than zero".to_owned());
    }
    Ok(duration)
}

/// A whole number.
pub fn number<T: FromStr>(raw: &str) -> Result<T, String> {
    raw.trim()
        .parse()
        .map_err(|_| "expected a non-negative whole number".to_owned())
}

/// A whole number within `range`.
pub fn number_in<T: FromStr + PartialOrd + Display>(
    raw: &str,
    range: RangeInclusive<T>,
) -> Result<T, String> {
    let value = number(raw)?;
    if !range.contains(&value) {
        return Err(format!("expected {} to {}", range.start(), range.end()));
    }
    Ok(value)
}

/// A switch; blank is off.
pub fn switch(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" | "" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

/// An absolute http(s) URL.
pub fn http_url(raw: &str) -> Result<Url, String> {
    let refused = || "expected an absolute http(s) URL".to_owned();
    let url = Url::parse(raw.trim()).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(refused());
    }
    Ok(url)
}

/// A quota as `N/duration`; `example` is the one the refusal shows.
pub fn quota(raw: &str, example: &str) -> Result<Quota, String> {
    Quota::parse(raw).ok_or_else(|| format!("expected N/duration, e.g. {example}"))
}

/// A secret, without the blanks around it.
pub fn secret(raw: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(raw.trim().to_owned()))
}
