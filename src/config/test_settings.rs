//! The settings `serve` would read in tests: the required ones, each valid,
//! and the others as a test names them. Shared by the configuration's tests.

use super::{Config, ConfigError, SettingsArgs, setting_refused};

/// The required settings, each valid.
pub(super) const REQUIRED: &[(&str, &str)] = &[
    ("HUBSPOT_CLIENT_SECRET", "client-secret-value"),
    ("HUBSPOT_ACCESS_TOKEN", "pat-na1-token"),
    ("HUBSPOT_PORTAL_ID", "62515"),
    (
        "HUBSPOT_SIGNUP_FORM_GUID",
        "0B4A6C6E-1C4F-4C0E-9B8E-0A1B2C3D4E5F",
    ),
    ("HUBSPOT_VERIFICATION_EMAIL_ID", "123456789"),
    ("SIGNUP_API_TOKEN", "signup-token"),
];

/// The settings `values` names (by variable), every other one at its
/// default, read as `serve` reads its command line and environment.
pub(super) fn settings_args(values: &[(&str, &str)]) -> Result<SettingsArgs, ConfigError> {
    SettingsArgs::with_values(values).map_err(|error| match setting_refused(&error) {
        Some(refused) => refused.clone(),
        None => panic!("not a setting's refusal: {error}"),
    })
}

/// The configuration `serve` would run with the required settings and `values`.
pub(super) fn config(values: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let all: Vec<_> = REQUIRED.iter().chain(values).copied().collect();
    Config::from_args(&settings_args(&all)?)
}
