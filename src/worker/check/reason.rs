//! Why a checked signup ended where it did: one name for every outcome and
//! every wait, used by the plan, the stages, the batch report, the record's
//! `lastError` and the logs.

use std::fmt;

/// Every outcome and wait reason of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The verification email went out (or HubSpot queued it).
    Sent,
    /// Single Send answered `PENDING`: its result is followed up.
    SendPending,
    /// Already sent or dead-lettered: nothing more to do.
    Finished,
    /// Its Forms call is pending again: out of the check queue.
    FormsPending,
    /// No contact with its address (or named for it) is readable yet.
    ContactNotReadable,
    /// The contact is readable; this signup's own submission is not on it yet.
    FormNotLanded,
    /// HubSpot could not tell about this input alone (an error for it in a
    /// batch answer, a malformed entry): it is asked again.
    AnswerUnreadable,
    /// The contact was deleted.
    ContactDeleted,
    /// Waited past `CONTACT_WAIT_HORIZON`.
    WaitHorizon,
    /// The shared API quota (or a 429's hold) has no permit now.
    RateLimited,
    /// Single Send's own limit has no permit now.
    SendRateLimited,
    /// HubSpot failed the call (5xx, timeout, connection error).
    HubSpotFailing,
    /// HubSpot refused the credentials (401/403): calls pause until it takes them.
    CredentialsRefused,
    /// HubSpot refused a shared call for another reason (4xx, body it does
    /// not document): no verdict on the signups; calls pause and probe.
    HubSpotRefused,
    /// Another signup of the contact was emailed within `CONTACT_SEND_COOLDOWN`.
    Cooldown,
    /// Single Send refused this signup's email (a 4xx about this input).
    SendRefused,
    /// Single Send's result says the email will not be delivered.
    SendFailed,
    /// Single Send's result says "not now" (throttled): sent again later.
    SendThrottled,
    /// A send status read waits for the launch to end.
    LaunchUnderWay,
    /// A send status read waits for spare quota.
    WaitingForSpareQuota,
    /// The claimed signup's record is gone.
    RecordVanished,
}

impl Reason {
    /// The one spelling (metrics, records, logs).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::SendPending => "send_pending",
            Self::Finished => "finished",
            Self::FormsPending => "forms_pending",
            Self::ContactNotReadable => "contact_not_visible",
            Self::FormNotLanded => "form_not_landed",
            Self::AnswerUnreadable => "answer_unreadable",
            Self::ContactDeleted => "contact_deleted",
            Self::WaitHorizon => "wait_horizon",
            Self::RateLimited => "rate_limited",
            Self::SendRateLimited => "send_rate_limited",
            Self::HubSpotFailing => "hubspot_failing",
            Self::CredentialsRefused => "credentials_refused",
            Self::HubSpotRefused => "hubspot_refused",
            Self::Cooldown => "cooldown",
            Self::SendRefused => "send_refused",
            Self::SendFailed => "send_failed",
            Self::SendThrottled => "send_throttled",
            Self::LaunchUnderWay => "launch_under_way",
            Self::WaitingForSpareQuota => "waiting_for_spare_quota",
            Self::RecordVanished => "record_vanished",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
