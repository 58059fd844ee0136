//! Building a [`Config`] in code (tests, the demo) from the same documented
//! defaults and the same validation as `serve`: settings are named by their
//! environment variable, and nothing is read from the process environment.

use clap::{Args, Command, FromArgMatches};

use super::{Config, ConfigError, SettingsArgs};

/// A [`Config`] under construction: every setting starts at its documented
/// default (the `serve` flags' defaults), and [`ConfigBuilder::set`] overrides
/// one by its environment variable's name.
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    values: Vec<(String, String)>,
}

impl ConfigBuilder {
    /// Every setting at its default; the required ones unset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the setting whose environment variable is `variable` (e.g.
    /// `"REDIS_URL"`) to `value`, as the environment would.
    pub fn set(mut self, variable: &str, value: impl Into<String>) -> Self {
        self.values.push((variable.to_owned(), value.into()));
        self
    }

    /// The raw settings: defaults, overridden by what was set.
    pub fn args(&self) -> Result<SettingsArgs, ConfigError> {
        let command = settings_command();
        let mut argv = vec!["signup-reactor".to_owned()];
        for (variable, value) in &self.values {
            let arg = command
                .get_arguments()
                .find(|arg| arg.get_env().is_some_and(|env| env == variable.as_str()))
                .ok_or_else(|| ConfigError::UnknownSetting(variable.clone()))?;
            let long = arg
                .get_long()
                .ok_or_else(|| ConfigError::UnknownSetting(variable.clone()))?;
            argv.push(format!("--{long}={value}"));
        }
        // Defaults only: the process environment must not leak into a built config.
        let command = command.mut_args(|arg| arg.env(None));
        let matches = command
            .try_get_matches_from(argv)
            .map_err(|error| ConfigError::invalid("settings", &error.to_string()))?;
        SettingsArgs::from_arg_matches(&matches)
            .map_err(|error| ConfigError::invalid("settings", &error.to_string()))
    }

    /// Parses and validates, exactly as `serve` does at start-up.
    pub fn build(&self) -> Result<Config, ConfigError> {
        Config::from_args(&self.args()?)
    }
}

fn settings_command() -> Command {
    SettingsArgs::augment_args(Command::new("signup-reactor").no_binary_name(false))
}

impl Config {
    /// A builder starting from the documented defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
    }
}
