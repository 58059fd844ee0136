//! What a Single Send answer means for the caller: sent, queued, a harmless
//! repeat, try again later, or give up. Every one of HubSpot's 51 `sendResult`
//! values is classified explicitly below.

use super::transactional::SendStatus;

/// The outcome of a send, as the worker acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendVerdict {
    /// `SENT`, or `COMPLETE` with no result: the email went out.
    Delivered,
    /// `QUEUED`, or still `PENDING` / `PROCESSING` with no result: accepted;
    /// [`SendStatus::is_in_progress`] says whether a status poll can tell more.
    Queued,
    /// `IDEMPOTENT_IGNORE`: this sendId was already sent; nothing new went out.
    IdempotentRepeat,
    /// HubSpot accepted the request (2xx) but its answer could not be read:
    /// count it as sent, with a warning.
    SentUnreadable,
    /// A temporary refusal (e.g. `THROTTLED`): try again later. HubSpot
    /// remembers the sendId; whether a repeat under the same sendId is sent is
    /// not documented, so a retry may need a new sendId.
    RetryLater(String),
    /// A permanent refusal (blocked, invalid, unsubscribed, misconfigured...),
    /// or a result this code does not know: dead-letter with the reason.
    Failed(String),
}

/// Results that are temporary by nature: capacity or frequency limits.
const RETRY_LATER: [&str; 5] = [
    "THROTTLED",
    "ATTACHMENT_DOWNLOAD_QUEUE_FULL",
    "PORTAL_OVER_LIMIT",
    "RECIPIENT_FATIGUE_SUPPRESSED",
    "BRAND_RECIPIENT_FATIGUE_SUPPRESSED",
];

/// Results that will not change by retrying the same send: the address, the
/// contact, the email or the account must change first.
const FAILED: [&str; 43] = [
    "ADDRESS_LIST_BOMBED",
    "ADDRESS_ONLY_ACCEPTED_ON_PROD",
    "ADDRESS_OPTED_OUT",
    "BLOCKED_ADDRESS",
    "BLOCKED_DOMAIN",
    "CAMPAIGN_CANCELLED",
    "CANCELLED_ABUSE",
    "CONTACT_VIEW_PERMISSION",
    "CORRUPT_INPUT",
    "EMAIL_DISABLED",
    "EMAIL_UNCONFIRMED",
    "GDPR_DOI_ENABLED",
    "GRAYMAIL_SUPPRESSED",
    "HUBL_LIMIT_EXCEEDED",
    "IDEMPOTENT_FAIL",
    "INVALID_APP_ID_ATTRIBUTION",
    "INVALID_FROM_ADDRESS",
    "INVALID_TO_ADDRESS",
    "LOW_CONTACT_QUALITY_SCORE",
    "MARKETING_ACTIVATION_DISALLOWED",
    "MISSING_CONTENT",
    "MISSING_REQUIRED_PARAMETER",
    "MISSING_TEMPLATE_PROPERTIES",
    "MTA_IGNORE",
    "NON_MARKETABLE_CONTACT",
    "PORTAL_AUTHENTICATION_FAILURE",
    "PORTAL_EXPIRED",
    "PORTAL_MISSING_MARKETING_SCOPE",
    "PORTAL_NOT_AUTHORIZED_FOR_APPLICATION",
    "PORTAL_SUSPENDED",
    "PREVIOUS_SPAM",
    "PREVIOUSLY_BOUNCED",
    "PREVIOUSLY_UNSUBSCRIBED_BRAND",
    "PREVIOUSLY_UNSUBSCRIBED_BUSINESS_UNIT",
    "PREVIOUSLY_UNSUBSCRIBED_MESSAGE",
    "PREVIOUSLY_UNSUBSCRIBED_PORTAL",
    "QUARANTINED_ADDRESS",
    "TEMPLATE_RENDER_EXCEPTION",
    "TOO_MANY_RECIPIENTS",
    "UBB_GOVERNANCE_MISSING",
    "UNCONFIGURED_SENDING_DOMAIN",
    "UNDELIVERABLE",
    "VALIDATION_FAILED",
];

/// Every `sendResult` this code classifies on purpose (the specs list 51).
pub const KNOWN_SEND_RESULTS: [&str; 51] = {
    let mut all = [""; 51];
    all[0] = "SENT";
    all[1] = "QUEUED";
    all[2] = "IDEMPOTENT_IGNORE";
    let mut i = 0;
    while i < RETRY_LATER.len() {
        all[3 + i] = RETRY_LATER[i];
        i += 1;
    }
    let mut j = 0;
    while j < FAILED.len() {
        all[3 + RETRY_LATER.len() + j] = FAILED[j];
        j += 1;
    }
    all
};

impl SendStatus {
    /// What this answer means. `sendResult` decides when present; otherwise
    /// `status`: `COMPLETE` is delivered, `CANCELED` failed, anything else
    /// queued. An unknown `sendResult` is `Failed` (dead-lettered with the
    /// value, for an operator to read) rather than retried blindly.
    pub fn classify(&self) -> SendVerdict {
        if self.body_unreadable {
            return SendVerdict::SentUnreadable;
        }
        match self.send_result.as_deref() {
            Some("SENT") => SendVerdict::Delivered,
            Some("QUEUED") => SendVerdict::Queued,
            Some("IDEMPOTENT_IGNORE") => SendVerdict::IdempotentRepeat,
            Some(result) if RETRY_LATER.contains(&result) => {
                SendVerdict::RetryLater(result.to_owned())
            }
            Some(result) if FAILED.contains(&result) => SendVerdict::Failed(result.to_owned()),
            Some(unknown) => SendVerdict::Failed(format!("unknown sendResult {unknown}")),
            None => match self.status.as_str() {
                "COMPLETE" => SendVerdict::Delivered,
                "CANCELED" => SendVerdict::Failed("CANCELED".to_owned()),
                _ => SendVerdict::Queued,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: &str, result: Option<&str>) -> SendStatus {
        SendStatus::example(status, result)
    }

    #[test]
    fn results_classify_as_documented() {
        let cases = [
            (status("COMPLETE", Some("SENT")), SendVerdict::Delivered),
            (status("PENDING", Some("QUEUED")), SendVerdict::Queued),
            (status("PENDING", None), SendVerdict::Queued),
            (status("PROCESSING", None), SendVerdict::Queued),
            (status("COMPLETE", None), SendVerdict::Delivered),
            (
                status("CANCELED", None),
                SendVerdict::Failed("CANCELED".into()),
            ),
            (
                status("COMPLETE", Some("IDEMPOTENT_IGNORE")),
                SendVerdict::IdempotentRepeat,
            ),
            (
                status("COMPLETE", Some("THROTTLED")),
                SendVerdict::RetryLater("THROTTLED".into()),
            ),
            (
                status("COMPLETE", Some("IDEMPOTENT_FAIL")),
                SendVerdict::Failed("IDEMPOTENT_FAIL".into()),
            ),
            (
                status("COMPLETE", Some("BLOCKED_DOMAIN")),
                SendVerdict::Failed("BLOCKED_DOMAIN".into()),
            ),
            (
                status("COMPLETE", Some("PREVIOUSLY_UNSUBSCRIBED_PORTAL")),
                SendVerdict::Failed("PREVIOUSLY_UNSUBSCRIBED_PORTAL".into()),
            ),
            (
                status("COMPLETE", Some("SOMETHING_NEW")),
                SendVerdict::Failed("unknown sendResult SOMETHING_NEW".into()),
            ),
            (SendStatus::unreadable(), SendVerdict::SentUnreadable),
        ];
        for (status, verdict) in cases {
            assert_eq!(status.classify(), verdict, "{status:?}");
        }
    }

    #[test]
    fn every_known_result_is_listed_once() {
        let mut sorted = KNOWN_SEND_RESULTS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 51);
        assert!(!sorted.contains(&""));
    }
}
