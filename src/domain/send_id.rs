//! The Single Send `sendId` of a signup's verification email.

use std::fmt;

use super::{ContactId, PortalId};

/// Deterministic per portal, contact, email and signup: HubSpot sends no more
/// than one email per sendId, so a repeated send of one signup (after a crash,
/// by a second replica) is harmless even when every other guard fails, while a
/// new signup for the same contact gets its own email.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SendId(String);

impl SendId {
    /// The sendId of signup `signup_id`'s verification email `email_id` to `contact`.
    pub fn verification(
        portal: PortalId,
        contact: ContactId,
        email_id: u64,
        signup_id: &str,
    ) -> Self {
        Self(format!(
            "sr-verify-{portal}-{contact}-{email_id}-{signup_id}"
        ))
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

    #[test]
    fn send_ids_are_deterministic_and_distinct_per_contact_and_signup() {
        let portal = PortalId::new(62515).expect("portal");
        let a = ContactId::new(4_294_967_297).expect("contact");
        let b = ContactId::new(4_294_967_298).expect("contact");
        let id = |c, e, s| SendId::verification(portal, c, e, s);
        assert_eq!(id(a, 7, "s1"), id(a, 7, "s1"));
        assert_ne!(id(a, 7, "s1"), id(b, 7, "s1"));
        assert_ne!(id(a, 7, "s1"), id(a, 8, "s1"));
        assert_ne!(id(a, 7, "s1"), id(a, 7, "s2"));
        assert_eq!(id(a, 7, "s1").as_str(), "sr-verify-62515-4294967297-7-s1");
    }
}
