//! A setting that is missing or malformed, named by its environment variable.

/// A setting that is missing or malformed, named by its environment variable:
/// the one line `serve` and `check` show for it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required but not set")]
    Missing(&'static str),
    #[error("{var} is invalid: {reason}")]
    Invalid { var: String, reason: String },
}

impl ConfigError {
    /// `var` is invalid for `reason`.
    pub(super) fn invalid(var: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            var: var.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A required setting's value, or the error that names it.
pub(super) fn required<T: Clone>(var: &'static str, value: &Option<T>) -> Result<T, ConfigError> {
    value.clone().ok_or(ConfigError::Missing(var))
}

/// The setting clap refused, when that is why it refused the command line:
/// its own message, `VAR is invalid: ...`, is what users are shown (never
/// clap's wording, which repeats the value, and the value may be a secret).
pub fn setting_refused(error: &clap::Error) -> Option<&ConfigError> {
    std::error::Error::source(error)?.downcast_ref()
}
