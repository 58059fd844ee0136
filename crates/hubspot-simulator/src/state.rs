//! The simulated account's data: contacts with property history, form
//! submissions, emails, webhook events and deliveries. These types are also
//! what the inspection API and [`super::SimulatorHandle`] hand out.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::clock::now_ms;
use super::faults::FaultRule;
use super::requests::RequestsByEndpoint;

/// One historical value of a contact property (newest first in the history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyVersion {
    /// The value, as a string (HubSpot stores every value as a string).
    pub value: String,
    /// How it was set: `FORM`, `API`, `ANALYTICS`, `CALCULATED` ...
    pub source_type: String,
    /// Detail of the source (the form GUID, the app ...), if any.
    pub source_id: Option<String>,
    /// Human label of the source, if any.
    pub source_label: Option<String>,
    /// When it was set (epoch ms).
    pub timestamp: u64,
}

/// Who created a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreatedBy {
    /// A processed form submission.
    Form,
    /// A transactional Single Send to an unknown address.
    SingleSend,
}

/// A form submission recorded on a contact (legacy `form-submissions[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactFormSubmission {
    /// Unique id of this conversion.
    pub conversion_id: String,
    /// The form's GUID.
    pub form_id: String,
    /// The account.
    pub portal_id: u64,
    /// When it was submitted (epoch ms).
    pub timestamp: u64,
    /// The page it was submitted on, if given.
    pub page_url: Option<String>,
    /// The page title, defaulting to the form's name.
    pub title: String,
}

/// A contact record as the simulator holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The record id (`vid` in legacy APIs, `objectId` in webhooks).
    pub id: u64,
    /// The normalised (lower-case) email, when known.
    pub email: Option<String>,
    /// Who created it.
    pub created_by: CreatedBy,
    /// When it was created (epoch ms).
    pub created_at: u64,
    /// When it last changed (epoch ms).
    pub updated_at: u64,
    /// From when CRM reads see it (epoch ms): eventual consistency.
    pub visible_at: u64,
    /// Every property's history, newest version first.
    pub properties: BTreeMap<String, Vec<PropertyVersion>>,
    /// Form submissions, newest first.
    pub form_submissions: Vec<ContactFormSubmission>,
}

impl Contact {
    /// The current value of a property.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .get(name)
            .and_then(|history| history.first())
            .map(|version| version.value.as_str())
    }

    /// `hs_calculated_form_submissions`: `<formGuid>::<timestamp>` entries,
    /// newest first, joined by `;` (the format third parties report; HubSpot
    /// documents none). `None` before the first submission.
    pub fn calculated_form_submissions(&self) -> Option<String> {
        if self.form_submissions.is_empty() {
            return None;
        }
        let entries: Vec<String> = self
            .form_submissions
            .iter()
            .take(800)
            .map(|s| format!("{}::{}", s.form_id, s.timestamp))
            .collect();
        Some(entries.join(";"))
    }

    /// Whether CRM reads can see the contact at `now` (epoch ms).
    pub fn visible(&self, now: u64) -> bool {
        now >= self.visible_at
    }

    /// Whether CRM reads can see the contact now.
    pub fn visible_now(&self) -> bool {
        self.visible(now_ms())
    }
}

/// A form submission the Forms API accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionRecord {
    /// Unique id of the conversion.
    pub conversion_id: String,
    /// The form's GUID.
    pub form_guid: String,
    /// The submitted email (normalised), if any.
    pub email: Option<String>,
    /// Submitted through `secure/submit` with a token.
    pub secure: bool,
    /// When it was accepted (epoch ms).
    pub accepted_at: u64,
    /// When it was applied to a contact, once processed.
    pub processed_at: Option<u64>,
    /// The contact it landed on, once processed.
    pub contact_id: Option<u64>,
    /// When CRM reads first saw its contact with this submission (epoch ms):
    /// the later of its processing and its contact's visibility. `None`
    /// until then.
    #[serde(default)]
    pub readable_at: Option<u64>,
}

/// A Single Send request, whether or not it sent an email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailRecord {
    /// The status id returned to the caller.
    pub status_id: String,
    /// The caller's `message.sendId`, if any.
    pub send_id: Option<String>,
    /// The transactional email's id.
    pub email_id: u64,
    /// The recipient (normalised).
    pub to: String,
    /// When it was requested (epoch ms).
    pub requested_at: u64,
    /// When its status turns `COMPLETE` (epoch ms).
    pub completed_at: u64,
    /// Whether an email actually went out (false for an idempotent repeat).
    pub sent: bool,
    /// `SENT` or `IDEMPOTENT_IGNORE`.
    pub send_result: String,
    /// The recipient's contact after the request.
    pub contact_id: Option<u64>,
    /// Whether a contact with that email existed before the request.
    pub contact_existed: bool,
    /// Whether that contact was visible to CRM reads at that moment.
    pub contact_visible: bool,
    /// Whether this request created the contact (the attribution bug).
    pub created_contact: bool,
    /// `contactProperties` as sent (written onto the contact).
    pub contact_properties: BTreeMap<String, String>,
    /// `customProperties` as sent.
    pub custom_properties: serde_json::Value,
}

/// An app webhook event, exactly as delivered (HubSpot's field names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    pub event_id: u64,
    pub subscription_id: u64,
    pub portal_id: u64,
    pub app_id: u64,
    pub occurred_at: u64,
    pub subscription_type: String,
    /// `"0-1"` on generic `object.*` events about contacts; absent on classic ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_type_id: Option<String>,
    pub attempt_number: u32,
    pub object_id: u64,
    pub change_source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_flag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_value: Option<String>,
}

/// How one webhook request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Still in flight.
    Pending,
    /// The receiver answered 2xx in time.
    Delivered,
    /// The receiver answered something else.
    HttpError,
    /// The receiver took longer than the timeout.
    Timeout,
    /// The connection failed.
    ConnectError,
    /// No target URL was configured; the batch was dropped.
    NoTarget,
}

/// One webhook HTTP request (an attempt of a batch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    /// Sequence number of this request.
    pub id: u64,
    /// The batch it belongs to (shared by its retries and duplicates).
    pub batch_id: u64,
    /// The URL called.
    pub url: Option<String>,
    /// `attemptNumber` carried by its events.
    pub attempt_number: u32,
    /// Whether this is an injected duplicate of a delivered request.
    pub duplicate: bool,
    /// The events' ids, in body order.
    pub event_ids: Vec<u64>,
    /// When the request started (epoch ms).
    pub started_at: u64,
    /// When it ended (epoch ms).
    pub finished_at: Option<u64>,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// How it ended.
    pub outcome: DeliveryOutcome,
}

/// A webhook subscription of the app (webhooks v3 API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: u64,
    pub event_type: String,
    pub property_name: Option<String>,
    pub active: bool,
    pub created_at: u64,
    pub updated_at: u64,
}

/// Everything mutable, behind one lock; never held across an `.await`.
#[derive(Debug)]
pub struct State {
    pub contacts: BTreeMap<u64, Contact>,
    pub by_email: HashMap<String, u64>,
    pub next_contact_id: u64,
    pub submissions: Vec<SubmissionRecord>,
    pub emails: Vec<EmailRecord>,
    pub send_ids: HashMap<String, String>,
    pub events: Vec<WebhookEvent>,
    pub next_event_id: u64,
    pub deliveries: Vec<DeliveryRecord>,
    pub next_batch_id: u64,
    /// Events whose dispatch delay has passed, waiting to be batched.
    pub ready: Vec<WebhookEvent>,
    /// Ids of events deliberately held back to arrive out of order.
    pub held_back: Vec<u64>,
    pub subscriptions: Vec<Subscription>,
    pub next_subscription_id: u64,
    pub target_url: Option<String>,
    pub settings_created_at: u64,
    pub settings_updated_at: u64,
    pub max_concurrent_requests: usize,
    pub faults: Vec<FaultRule>,
    /// Requests refused because a rate-limit budget was spent (not injected faults).
    pub quota_rejections: usize,
    /// Every request received, by endpoint, with how it was refused if it was.
    pub requests: RequestsByEndpoint,
    /// New contacts hidden from reads until their first webhook delivery:
    /// contact id to the lag (ms, scaled) after that delivery.
    pub reveal_after_delivery: HashMap<u64, u64>,
    pub rng: StdRng,
}
