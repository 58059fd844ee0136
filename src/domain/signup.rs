//! A signup the app backend handed over: the unit of work of the reactor. Each
//! accepted signup has its own record (by `signupId`) from the Forms
//! submission to its verification email, so one signup can never cancel,
//! replace or suppress another.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ContactId, Email, SignupId};

/// Where a signup stands. The Redis encoding is the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    /// Recorded, its request not answered yet: not accepted. Nothing
    /// submits, checks or sends it; unless its request turns it into
    /// `Submitted` or `Queued` before answering 202, the sweep retires it.
    Submitting,
    /// The Forms API could not take it now; retried from the Forms queue.
    Queued,
    /// Accepted by the Forms API; waiting for its contact and its submission.
    Submitted,
    /// Single Send answered `PENDING`: the final result is followed up.
    SendPending,
    /// The verification email went out (or HubSpot queued it).
    Sent,
    /// Given up, with a dead letter saying why.
    DeadLettered,
}

impl SignupStatus {
    /// The wire / Redis spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitting => "submitting",
            Self::Queued => "queued",
            Self::Submitted => "submitted",
            Self::SendPending => "send_pending",
            Self::Sent => "sent",
            Self::DeadLettered => "dead_lettered",
        }
    }

    /// True once nothing more will happen to the signup.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Sent | Self::DeadLettered)
    }

    /// True while its Forms call is queued or in flight: its contact is never
    /// checked in that state.
    pub fn awaits_forms(self) -> bool {
        matches!(self, Self::Submitting | Self::Queued)
    }
}

/// The `lastError` (and dead-letter reason) of a signup whose request was
/// never answered 202 (a 503, a crash before the answer): it is never
/// submitted, and its dead letter is not replayed (the app's retry is the
/// signup that counts).
pub const NEVER_ACCEPTED: &str = "never_accepted";

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

/// What Single Send answered for a signup's email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendRecord {
    pub send_id: String,
    pub status_id: String,
    /// `sendResult` (or `status` when HubSpot gave none).
    pub send_result: String,
    pub sent_at: u64,
    /// Send status reads made so far (a `PENDING` send is followed up).
    #[serde(default)]
    pub status_reads: u32,
}

/// One signup, from its Forms submission to its verification email. Stored
/// in Redis as this struct's JSON (one encoding, one record per `signupId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignupRecord {
    pub signup_id: SignupId,
    pub email: Email,
    /// Form fields other than `email`, by HubSpot property name.
    pub fields: BTreeMap<String, String>,
    pub context: SignupContext,
    /// Template variables for the verification email (`customProperties`).
    pub email_custom_properties: BTreeMap<String, serde_json::Value>,
    /// When the app handed it over (ms, reactor clock); also the Forms
    /// `submittedAt` on retries.
    pub submitted_at: u64,
    pub status: SignupStatus,
    /// Forms submission attempts so far.
    pub attempts: u32,
    /// Contact checks so far (drives the check backoff).
    #[serde(default)]
    pub checks: u32,
    pub last_error: Option<String>,
    /// The contact HubSpot created or matched, once seen.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// When its wait for the contact started: when the Forms API accepted
    /// its submission (or an operator replayed it); `submitted_at` when
    /// unset. The wait horizon counts from here.
    #[serde(default)]
    pub waiting_since: Option<u64>,
    /// When its address was last looked up (ms, reactor clock): lookups of
    /// unnamed signups run on shared ticks, not on every check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub looked_up_at: Option<u64>,
    /// When the contact was first seen with this signup's submission on it.
    #[serde(default)]
    pub confirmed_at: Option<u64>,
    /// Single Send's answer, once sent.
    #[serde(default)]
    pub send: Option<SendRecord>,
}

impl SignupRecord {
    /// A new signup, before its Forms call.
    pub fn new(
        email: Email,
        fields: BTreeMap<String, String>,
        context: SignupContext,
        email_custom_properties: BTreeMap<String, serde_json::Value>,
        now: u64,
    ) -> Self {
        Self {
            signup_id: SignupId::mint(),
            email,
            fields,
            context,
            email_custom_properties,
            submitted_at: now,
            status: SignupStatus::Submitting,
            attempts: 0,
            checks: 0,
            last_error: None,
            contact_id: None,
            waiting_since: None,
            looked_up_at: None,
            confirmed_at: None,
            send: None,
        }
    }

    /// Since when it waits for its contact (for the wait horizon).
    pub fn waiting_since(&self) -> u64 {
        self.waiting_since.unwrap_or(self.submitted_at)
    }

    /// How long it has waited for its contact at `now` (ms).
    pub fn waited_at(&self, now: u64) -> std::time::Duration {
        std::time::Duration::from_millis(now.saturating_sub(self.waiting_since()))
    }

    /// The one Redis encoding of a record.
    pub fn encode(&self) -> String {
        // Serialising plain strings, numbers and maps with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the Redis encoding.
    pub fn decode(raw: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_through_its_one_encoding() {
        let email = Email::parse("pat@example.com").expect("email");
        let mut record = SignupRecord::new(
            email,
            BTreeMap::from([("firstname".to_owned(), "Pat".to_owned())]),
            SignupContext::default(),
            BTreeMap::new(),
            1_700_000_000_000,
        );
        record.status = SignupStatus::Sent;
        record.contact_id = ContactId::new(4_294_967_297).ok();
        let raw = record.encode();
        assert!(raw.contains("\"status\":\"sent\""), "{raw}");
        assert!(raw.contains("\"signupId\""), "{raw}");
        assert_eq!(SignupRecord::decode(&raw).expect("decode"), record);
    }

    #[test]
    fn only_sent_and_dead_lettered_are_final() {
        assert!(SignupStatus::Sent.is_final());
        assert!(SignupStatus::DeadLettered.is_final());
        assert!(!SignupStatus::SendPending.is_final());
        assert!(SignupStatus::Queued.awaits_forms());
        assert!(!SignupStatus::Submitted.awaits_forms());
    }
}
