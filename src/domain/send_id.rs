//! The Single Send `sendId` of a signup's verification email.

use std::fmt;

use super::SignupRecord;

/// Derived from the signup id alone: HubSpot sends no more than one email per
/// sendId, so a repeated send of one signup (after a crash, by a second
/// replica, after its contact was merged or resolved again) is harmless even
/// when every other guard fails, while a new signup gets its own email.
/// Nothing that can change (the contact id, the email's id) is part of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SendId(String);

impl SendId {
    /// The sendId of signup `signup_id`'s verification email.
    pub fn verification(signup_id: &str) -> Self {
        Self(format!("sr-verify-{signup_id}"))
    }

    /// The sendId of a signup's send: the one its record already holds (an
    /// earlier attempt, possibly by an earlier version with another
    /// derivation, so that a re-send never becomes a second email), else
    /// [`Self::verification`].
    pub fn of_record(record: &SignupRecord) -> Self {
        match &record.send {
            Some(send) if !send.send_id.is_empty() => Self(send.send_id.clone()),
            _ => Self::verification(&record.signup_id),
        }
    }

    /// The wire form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SendId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContactId, Email, SendRecord};

    fn record(signup_id: &str, contact: u64, held: Option<&str>) -> SignupRecord {
        let mut record = SignupRecord::new(
            Email::parse("pat@example.com").expect("email"),
            Default::default(),
            Default::default(),
            Default::default(),
            1_700_000_000_000,
        );
        record.signup_id = signup_id.into();
        record.contact_id = ContactId::new(contact).ok();
        record.send = held.map(|id| SendRecord {
            send_id: id.to_owned(),
            status_id: "st".to_owned(),
            send_result: "THROTTLED".to_owned(),
            sent_at: 1,
            status_reads: 0,
        });
        record
    }

    #[test]
    fn a_send_id_depends_on_the_signup_alone_and_a_held_one_is_kept() {
        // (signup, contact, held sendId, expected)
        let cases = [
            ("s1", 4_294_967_297, None, "sr-verify-s1"),
            ("s1", 4_294_967_298, None, "sr-verify-s1"),
            ("s2", 4_294_967_297, None, "sr-verify-s2"),
            (
                "s1",
                4_294_967_298,
                Some("sr-verify-62515-4294967297-7-s1"),
                "sr-verify-62515-4294967297-7-s1",
            ),
            ("s1", 4_294_967_298, Some(""), "sr-verify-s1"),
        ];
        for (signup, contact, held, expected) in cases {
            let id = SendId::of_record(&record(signup, contact, held));
            assert_eq!(id.as_str(), expected, "{signup} {contact} {held:?}");
        }
        assert_eq!(SendId::verification("s1"), SendId::verification("s1"));
        assert_ne!(SendId::verification("s1"), SendId::verification("s2"));
    }
}
