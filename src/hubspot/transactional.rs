//! Transactional Single Send. The request type has no `contactProperties`
//! field on purpose: writing contact properties from a send is the bug this
//! service exists to avoid.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::HubSpotClient;
use super::error::HubSpotError;
use crate::domain::Email;

/// A verification email to one contact.
#[derive(Debug, Clone)]
pub struct SingleSend {
    pub email_id: u64,
    pub to: Email,
    /// Deterministic per contact: HubSpot sends at most one email per sendId.
    pub send_id: String,
    pub custom_properties: BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendBody<'a> {
    email_id: u64,
    message: SendMessage<'a>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    custom_properties: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendMessage<'a> {
    to: &'a str,
    send_id: &'a str,
}

/// HubSpot's answer (`EmailSendStatusView`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SendStatus {
    pub status: String,
    pub status_id: String,
    #[serde(default)]
    pub send_result: Option<String>,
    #[serde(default)]
    pub requested_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
}

impl SendStatus {
    /// The send was accepted now or earlier under the same sendId.
    pub fn is_idempotent_repeat(&self) -> bool {
        matches!(self.send_result.as_deref(), Some("IDEMPOTENT_IGNORE"))
    }
}

impl HubSpotClient {
    /// `POST /marketing/v3/transactional/single-email/send`.
    pub async fn single_send(&self, send: &SingleSend) -> Result<SendStatus, HubSpotError> {
        let body = SendBody {
            email_id: send.email_id,
            message: SendMessage {
                to: send.to.as_str(),
                send_id: &send.send_id,
            },
            custom_properties: &send.custom_properties,
        };
        let url = self.api_url("/marketing/v3/transactional/single-email/send");
        let request = self.authorized(self.http().post(url).json(&body));
        let response = self.execute(request, false).await?;
        Self::json(response).await
    }

    /// `GET /marketing/v3/email/send-statuses/{statusId}`.
    pub async fn send_status(&self, status_id: &str) -> Result<SendStatus, HubSpotError> {
        let encoded: String = url::form_urlencoded::byte_serialize(status_id.as_bytes()).collect();
        let url = self.api_url(&format!("/marketing/v3/email/send-statuses/{encoded}"));
        let response = self
            .execute(self.authorized(self.http().get(url)), false)
            .await?;
        Self::json(response).await
    }
}
