//! A signup the app backend handed over: what the Forms submission and,
//! later, the verification email need.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Email;

/// Where a pending signup stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    /// Recorded; the Forms submission is under way.
    Submitting,
    /// Accepted by the Forms API; waiting for the contact.
    Submitted,
    /// The Forms API could not be reached or refused for now; retried from the queue.
    Queued,
}

impl SignupStatus {
    /// The wire / Redis spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitting => "submitting",
            Self::Submitted => "submitted",
            Self::Queued => "queued",
        }
    }

    /// Parses the wire / Redis spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "submitting" => Some(Self::Submitting),
            "submitted" => Some(Self::Submitted),
            "queued" => Some(Self::Queued),
            _ => None,
        }
    }
}

/// The visitor's session context, passed through to the Forms API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignupContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hutk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_name: Option<String>,
}

/// A signup waiting for its contact and its verification email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingSignup {
    pub signup_id: String,
    pub email: Email,
    /// Form fields other than `email`, by HubSpot property name.
    pub fields: BTreeMap<String, String>,
    pub context: SignupContext,
    /// Template variables for the verification email (`customProperties`).
    pub email_custom_properties: BTreeMap<String, serde_json::Value>,
    /// When the app handed it over (ms); also the Forms `submittedAt` on retries.
    pub submitted_at: u64,
    pub status: SignupStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
}
