//! Transactional Single Send. The request type has no `contactProperties`
//! field on purpose: writing contact properties from a send is the bug this
//! service exists to avoid.
//!
//! The dated specs (2026-03, 2026-09) list `contactProperties`,
//! `customProperties` and `message.cc/bcc/replyTo` as required, which looks
//! like a generator artefact; whether HubSpot enforces it is unconfirmed. On
//! the dated paths the request therefore carries them EMPTY (`{}` and `[]`):
//! valid against the spec, and an empty `contactProperties` writes nothing.
//! On `v3` they are left out, as that spec allows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::HubSpotClient;
use super::error::HubSpotError;
pub use super::send_verdict::{KNOWN_SEND_RESULTS, SendVerdict};
use crate::domain::Email;

/// A verification email to one contact.
#[derive(Debug, Clone)]
pub struct SingleSend {
    pub email_id: u64,
    pub to: Email,
    /// Deterministic per send: HubSpot sends at most one email per sendId.
    pub send_id: String,
    pub custom_properties: BTreeMap<String, serde_json::Value>,
}

/// Serialises as `{}`: the only value `contactProperties` ever gets.
#[derive(Serialize)]
struct NoProperties {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendBody<'a> {
    email_id: u64,
    message: SendMessage<'a>,
    /// Always empty; present only on the dated versions (see module docs).
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_properties: Option<NoProperties>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_properties: Option<&'a BTreeMap<String, serde_json::Value>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendMessage<'a> {
    to: &'a str,
    send_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cc: Option<[&'a str; 0]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bcc: Option<[&'a str; 0]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<[&'a str; 0]>,
}

impl<'a> SendBody<'a> {
    fn new(send: &'a SingleSend, dated: bool) -> Self {
        let empty = dated.then_some([]);
        let custom = &send.custom_properties;
        Self {
            email_id: send.email_id,
            message: SendMessage {
                to: send.to.as_str(),
                send_id: &send.send_id,
                cc: empty,
                bcc: empty,
                reply_to: empty,
            },
            contact_properties: dated.then_some(NoProperties {}),
            custom_properties: (dated || !custom.is_empty()).then_some(custom),
        }
    }
}

/// HubSpot's answer (`EmailSendStatusView`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SendStatus {
    /// `PENDING`, `PROCESSING`, `CANCELED` or `COMPLETE`.
    pub status: String,
    pub status_id: String,
    #[serde(default)]
    pub send_result: Option<String>,
    #[serde(default)]
    pub requested_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    /// HubSpot answered 2xx but the body could not be read: the request was
    /// accepted, what became of it is unknown ([`SendVerdict::SentUnreadable`]).
    #[serde(skip)]
    pub body_unreadable: bool,
}

impl SendStatus {
    /// Stands for a 2xx answer whose body did not parse.
    pub fn unreadable() -> Self {
        Self {
            status: String::new(),
            status_id: String::new(),
            send_result: None,
            requested_at: None,
            completed_at: None,
            body_unreadable: true,
        }
    }

    /// The send was accepted now or earlier under the same sendId.
    pub fn is_idempotent_repeat(&self) -> bool {
        matches!(self.send_result.as_deref(), Some("IDEMPOTENT_IGNORE"))
    }

    /// HubSpot has not finished the send: poll [`HubSpotClient::send_status`]
    /// with `status_id` for the final `sendResult`.
    pub fn is_in_progress(&self) -> bool {
        !self.body_unreadable && matches!(self.status.as_str(), "PENDING" | "PROCESSING")
    }
}

impl HubSpotClient {
    /// `POST` Single Send on the configured version's path. A 2xx whose body
    /// cannot be read is `Ok(SendStatus::unreadable())`: HubSpot accepted the
    /// request, and sending again would rely on the sendId alone.
    pub async fn single_send(&self, send: &SingleSend) -> Result<SendStatus, HubSpotError> {
        let version = self.api_version();
        let body = SendBody::new(send, version.is_dated());
        let url = self.api_url(&version.single_send_path());
        let request = self.authorized(self.http().post(url).json(&body));
        let response = self.execute(request, false).await?;
        match Self::json::<SendStatus>(response).await {
            Ok(status) => Ok(status),
            Err(HubSpotError::Decode(error)) => {
                tracing::warn!(%error, "Single Send accepted with an unreadable answer");
                Ok(SendStatus::unreadable())
            }
            Err(other) => Err(other),
        }
    }

    /// `GET /marketing/v3/email/send-statuses/{statusId}`. HubSpot publishes
    /// no dated send-status path, so every version polls the legacy one.
    pub async fn send_status(&self, status_id: &str) -> Result<SendStatus, HubSpotError> {
        let encoded: String = url::form_urlencoded::byte_serialize(status_id.as_bytes()).collect();
        let url = self.api_url(&self.api_version().send_status_path(&encoded));
        let response = self
            .execute(self.authorized(self.http().get(url)), false)
            .await?;
        Self::json(response).await
    }
}

#[cfg(test)]
impl SendStatus {
    /// An answer as HubSpot gives it, for unit tests.
    pub(crate) fn example(status: &str, send_result: Option<&str>) -> Self {
        Self {
            status: status.to_owned(),
            status_id: "s".to_owned(),
            send_result: send_result.map(str::to_owned),
            requested_at: None,
            completed_at: None,
            body_unreadable: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn send(custom: bool) -> SingleSend {
        let mut custom_properties = BTreeMap::new();
        if custom {
            custom_properties.insert("link".to_owned(), json!("https://x"));
        }
        SingleSend {
            email_id: 7,
            to: Email::parse("ann@example.com").expect("email"),
            send_id: "s1".to_owned(),
            custom_properties,
        }
    }

    #[test]
    fn the_dated_body_carries_the_required_fields_empty() {
        let value = serde_json::to_value(SendBody::new(&send(false), true)).expect("json");
        assert_eq!(
            value,
            json!({"emailId": 7, "message": {"to": "ann@example.com", "sendId": "s1",
                "cc": [], "bcc": [], "replyTo": []},
                "contactProperties": {}, "customProperties": {}})
        );
    }

    #[test]
    fn the_v3_body_leaves_the_optional_fields_out() {
        let value = serde_json::to_value(SendBody::new(&send(false), false)).expect("json");
        assert_eq!(
            value,
            json!({"emailId": 7, "message": {"to": "ann@example.com", "sendId": "s1"}})
        );
        let value = serde_json::to_value(SendBody::new(&send(true), false)).expect("json");
        assert_eq!(value["customProperties"], json!({"link": "https://x"}));
        assert!(value.get("contactProperties").is_none());
    }
}
