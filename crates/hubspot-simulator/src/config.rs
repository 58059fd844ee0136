//! Every knob of the simulator, with defaults that resemble a real HubSpot
//! account. The whole structure is (de)serialisable so that `simulate --config`
//! can read it from a JSON file.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use super::event_style::EventStyle;
use super::faults::FaultRule;
pub use super::limits::{RateLimit, RateLimits};
use super::send_failures::SendFailures;

/// A duration range `[min, max]` from which the simulator draws a random delay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DelayRange {
    /// Shortest delay, in milliseconds (before time scaling).
    pub min_ms: u64,
    /// Longest delay, in milliseconds (before time scaling).
    pub max_ms: u64,
}

impl DelayRange {
    /// A range from `min_ms` to `max_ms`.
    pub const fn ms(min_ms: u64, max_ms: u64) -> Self {
        Self { min_ms, max_ms }
    }

    /// A range that always yields the same delay.
    pub const fn fixed(ms: u64) -> Self {
        Self {
            min_ms: ms,
            max_ms: ms,
        }
    }
}

/// The kind of value a form field accepts; drives HubSpot's field validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    #[default]
    Text,
    /// An email address (`INVALID_EMAIL` when malformed).
    Email,
    /// A number (`INVALID_NUMBER` when not numeric).
    Number,
    /// One of the field's `options` (`VALUE_NOT_IN_FIELD_DEFINITION` otherwise).
    Enumeration,
}

/// One field of a form definition: a contact property the form may set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// The contact property's internal name (`email`, `firstname`, ...).
    pub name: String,
    /// Whether a submission must include it (`REQUIRED_FIELD`).
    #[serde(default)]
    pub required: bool,
    /// How its value is validated.
    #[serde(default, rename = "type")]
    pub kind: FieldKind,
    /// The allowed values of an enumeration field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl FormField {
    /// An optional text field.
    pub fn text(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            required: false,
            kind: FieldKind::Text,
            options: Vec::new(),
        }
    }

    /// A required email field.
    pub fn email(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            required: true,
            kind: FieldKind::Email,
            options: Vec::new(),
        }
    }

    /// Marks the field as required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// A HubSpot form as the account defines it: the Forms API validates
/// submissions against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// The form's GUID, as used in the submit URL.
    pub guid: String,
    /// The form's name (page title default of `form-submissions[].title`).
    pub name: String,
    /// The fields the form defines.
    pub fields: Vec<FormField>,
    /// Returned as `inlineMessage` on success.
    #[serde(default)]
    pub inline_message: Option<String>,
    /// Returned as `redirectUri` on success.
    #[serde(default)]
    pub redirect_uri: Option<String>,
}

/// The GUID of the signup form every default configuration defines.
pub const DEFAULT_FORM_GUID: &str = "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9";

impl Default for FormDefinition {
    fn default() -> Self {
        Self {
            guid: DEFAULT_FORM_GUID.to_owned(),
            name: "Signup".to_owned(),
            fields: vec![
                FormField::email("email"),
                FormField::text("firstname"),
                FormField::text("lastname"),
                FormField::text("company"),
            ],
            inline_message: Some("Thanks for submitting the form.".to_owned()),
            redirect_uri: None,
        }
    }
}

/// How the simulator delivers app webhooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookConfig {
    /// Where deliveries go, exactly as registered (the v3 signature covers it
    /// verbatim). `None`: events are recorded but not delivered.
    pub target_url: Option<String>,
    /// Whether `contact.creation` is subscribed.
    pub subscribe_creation: bool,
    /// Classic, generic or mixed event names.
    #[serde(default)]
    pub style: EventStyle,
    /// Properties whose changes raise `contact.propertyChange`.
    pub subscribed_properties: Vec<String>,
    /// Whether a contact's creation also raises `contact.propertyChange` for
    /// the properties it was created with (`email` among them). HubSpot does
    /// not promise it: `false` announces a creation by `contact.creation`
    /// alone (the contact id only); later changes still raise their events.
    #[serde(default = "yes")]
    pub property_events_at_creation: bool,
    /// Delay from an event to its first delivery attempt.
    pub dispatch_delay: DelayRange,
    /// Largest number of events per request (HubSpot: 100).
    pub max_batch_size: usize,
    /// Requests in flight at once (HubSpot: 10).
    pub max_concurrent_requests: usize,
    /// A response slower than this is a failure. Not time-scaled: it measures
    /// the receiver, not HubSpot.
    pub timeout_ms: u64,
    /// Delays before each retry; its length is the number of retries (HubSpot: 10).
    pub retry_delays_ms: Vec<u64>,
    /// Probability that a successfully delivered request is delivered again.
    pub duplicate_probability: f64,
    /// Probability that an event is held back and delivered after later ones.
    pub reorder_probability: f64,
    /// How long a reordered event is held back.
    pub reorder_delay_ms: u64,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            target_url: None,
            subscribe_creation: true,
            style: EventStyle::Classic,
            subscribed_properties: vec![
                "email".to_owned(),
                "firstname".to_owned(),
                "lastname".to_owned(),
                "lifecyclestage".to_owned(),
            ],
            property_events_at_creation: true,
            dispatch_delay: DelayRange::ms(100, 1_500),
            max_batch_size: 100,
            max_concurrent_requests: 10,
            timeout_ms: 5_000,
            // Ten retries spread over roughly a day, doubling each time.
            retry_delays_ms: (0..10).map(|i| 60_000u64 << i).collect(),
            duplicate_probability: 0.02,
            reorder_probability: 0.05,
            reorder_delay_ms: 2_000,
        }
    }
}

fn yes() -> bool {
    true
}

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
