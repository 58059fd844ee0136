//! How clap reads one setting: a plain parser of its text, whose refusal
//! (the reason) becomes `VAR is invalid: reason`, named by the setting's
//! environment variable, whether the value came from the flag, the
//! environment or the default.

use std::ffi::OsStr;
use std::sync::Arc;

use clap::builder::TypedValueParser;
use clap::{Arg, Command};

use super::error::ConfigError;

/// A parser of a setting's text: the value, or why the text is refused.
type Parse<T> = Arc<dyn Fn(&str) -> Result<T, String> + Send + Sync>;

/// The clap value parser of one setting (see [`setting`] and [`optional`]).
pub struct SettingParser<T> {
    parse: Parse<T>,
}

impl<T> Clone for SettingParser<T> {
    fn clone(&self) -> Self {
        Self {
            parse: Arc::clone(&self.parse),
        }
    }
}

/// The value parser of a setting read by `parse`.
pub fn setting<T>(
    parse: impl Fn(&str) -> Result<T, String> + Send + Sync + 'static,
) -> SettingParser<T> {
    SettingParser {
        parse: Arc::new(parse),
    }
}

/// The value parser of a setting that may be left blank (`None`), read by
/// `parse` otherwise.
pub fn optional<T>(
    parse: impl Fn(&str) -> Result<T, String> + Send + Sync + 'static,
) -> SettingParser<Option<T>> {
    setting(move |raw| match raw.trim() {
        "" => Ok(None),
        _ => parse(raw).map(Some),
    })
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for SettingParser<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<T, clap::Error> {
        let var = match arg {
            Some(arg) => arg.get_env().map_or_else(
                || arg.get_id().to_string(),
                |env| env.to_string_lossy().into_owned(),
            ),
            None => String::new(),
        };
        let parse = Arc::clone(&self.parse);
        // clap keeps the refusal as the error's source (see `setting_refused`).
        let named =
            move |raw: &str| parse(raw).map_err(|reason| ConfigError::invalid(&var, reason));
        named.parse_ref(cmd, arg, value)
    }
}
