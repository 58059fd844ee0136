//! How the simulator delivers app webhooks: target, subscriptions, batching,
//! timeouts, retries, duplicates and reordering, with HubSpot's defaults.

use serde::{Deserialize, Serialize};

use super::delay_range::DelayRange;
use super::event_style::EventStyle;

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
