//! Every knob of the simulator, with defaults that resemble a real HubSpot
//! account. The whole structure is (de)serialisable so that `simulate --config`
//! can read it from a JSON file.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use super::delay_range::DelayRange;
pub use super::event_style::EventStyle;
use super::faults::FaultRule;
pub use super::form_definition::{DEFAULT_FORM_GUID, FieldKind, FormDefinition, FormField};
pub use super::limits::{RateLimit, RateLimits};
use super::send_failures::SendFailures;
pub use super::webhook_config::WebhookConfig;

/// Everything the simulator can be told; `Default` is a realistic account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The HubSpot account.
    pub portal_id: u64,
    /// The public app that receives webhooks (an int32 in HubSpot's API).
    pub app_id: u32,
    /// The app's client secret: signs webhooks (v1 and v3).
    pub client_secret: String,
    /// Bearer tokens accepted by CRM, Single Send and authenticated forms.
    pub access_tokens: Vec<String>,
    /// Developer API key (`hapikey`) accepted by the webhooks settings API.
    pub developer_api_key: String,
    /// Whether bearer tokens are checked at all.
    pub require_auth: bool,
    /// The account's forms.
    pub forms: Vec<FormDefinition>,
    /// Transactional email ids that exist; empty accepts any id.
    pub email_ids: Vec<u64>,
    /// Delay between accepting a form submission and applying it to a contact.
    pub processing_delay: DelayRange,
    /// Further delay before a new contact is visible to CRM reads.
    pub visibility_lag: DelayRange,
    /// When set, a contact a form creates stays invisible to every read (CRM
    /// reads, batch reads, legacy profiles) until its first webhook delivery
    /// has been made, then for this further lag: the delivery always arrives
    /// before the contact is readable. Replaces `visibility_lag` for them.
    pub read_lag_after_delivery: Option<DelayRange>,
    /// Delay before a Single Send's status turns `COMPLETE`.
    pub send_delay: DelayRange,
    /// Single Sends that fail (blocked recipients, throttling).
    pub send_failures: SendFailures,
    /// Multiplies every simulated delay: 1.0 is real time, 0.01 is 100 times faster.
    pub time_scale: f64,
    /// Original Source given to a visitor's hutk; unknown hutks get
    /// `default_visit_source`.
    pub hutk_sources: BTreeMap<String, String>,
    /// Original Source of a form submission whose hutk has no known visit.
    pub default_visit_source: String,
    /// First contact id handed out (above 2^32 so 32-bit truncation shows).
    pub first_contact_id: u64,
    /// Webhook delivery.
    pub webhooks: WebhookConfig,
    /// Rate limits per endpoint family.
    pub rate_limits: RateLimits,
    /// Fault rules active from the start.
    pub faults: Vec<FaultRule>,
    /// Seed of the simulator's random choices; `None` seeds from the OS.
    pub rng_seed: Option<u64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            portal_id: 62515,
            app_id: 54321,
            client_secret: "sim-client-secret-0000-0000-000000000000".to_owned(),
            access_tokens: vec!["pat-na1-sim-access-token".to_owned()],
            developer_api_key: "sim-developer-hapikey".to_owned(),
            require_auth: true,
            forms: vec![FormDefinition::default()],
            email_ids: Vec::new(),
            processing_delay: DelayRange::ms(500, 10_000),
            visibility_lag: DelayRange::ms(0, 1_500),
            read_lag_after_delivery: None,
            send_delay: DelayRange::ms(200, 2_000),
            send_failures: SendFailures::default(),
            time_scale: 1.0,
            hutk_sources: BTreeMap::new(),
            default_visit_source: "DIRECT_TRAFFIC".to_owned(),
            first_contact_id: (1u64 << 32) + 1_001,
            webhooks: WebhookConfig::default(),
            rate_limits: RateLimits::default(),
            faults: Vec::new(),
            rng_seed: None,
        }
    }
}

impl SimConfig {
    /// Applies the time scale to a nominal delay.
    pub fn scaled(&self, nominal: Duration) -> Duration {
        scale(self.time_scale, nominal)
    }

    /// Applies the time scale to a nominal delay in milliseconds.
    pub fn scaled_ms(&self, nominal_ms: u64) -> Duration {
        scale(self.time_scale, Duration::from_millis(nominal_ms))
    }

    /// Looks up a form definition by GUID.
    pub fn form(&self, guid: &str) -> Option<&FormDefinition> {
        self.forms
            .iter()
            .find(|form| form.guid.eq_ignore_ascii_case(guid))
    }
}

/// `nominal * factor`, tolerating nonsense factors (negative or NaN act as 0).
pub fn scale(factor: f64, nominal: Duration) -> Duration {
    if factor.is_finite() && factor > 0.0 {
        nominal.mul_f64(factor.min(1.0e6))
    } else {
        Duration::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_json_configuration_keeps_the_other_defaults() {
        let json = r#"{"time_scale":0.01,"forms":[{"guid":"abc","name":"X","fields":[
            {"name":"email","required":true,"type":"email"},
            {"name":"plan","type":"enumeration","options":["a","b"]}]}]}"#;
        let config: SimConfig = serde_json::from_str(json).expect("parses");
        assert_eq!(config.time_scale, 0.01);
        assert_eq!(config.portal_id, SimConfig::default().portal_id);
        assert_eq!(config.forms[0].fields[1].kind, FieldKind::Enumeration);
        assert_eq!(config.scaled_ms(10_000), Duration::from_millis(100));
        assert!(config.first_contact_id > u64::from(u32::MAX));
    }
}
