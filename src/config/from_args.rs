//! The configuration the settings make, once at start-up: the required ones
//! there, the derived ones computed, and the relations between them checked.

use super::args::SettingsArgs;
use super::error::{ConfigError, required};
use super::settings::Config;

impl Config {
    /// The configuration the settings make: every required one set, the
    /// derived ones computed, and the relations between them checked.
    pub fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let redis = args.redis.settings()?;
        let hubspot = args.hubspot.settings()?;
        let signup_api_token = required("SIGNUP_API_TOKEN", &args.signup_api_token)?;
        let mut signup = args.signup.clone();
        signup.forms_retry_lease =
            Self::forms_attempt_limit(hubspot.http_timeout, redis.command_timeout);
        let mut worker = args.worker.clone();
        worker.early_check_interval = signup.first_check_grace.max(worker.retry_base_delay);
        let config = Self {
            listen_addr: args.listen_addr,
            http_read_timeout: args.http_read_timeout,
            redis,
            hubspot,
            webhook: args.webhook.clone(),
            signup_api_token,
            signup,
            worker,
            log_format: args.log_format,
        };
        config.check_orders()?;
        config.check_horizons()?;
        config.check_relations()?;
        Ok(config)
    }
}
