//! The Single Send `sendId` of a contact's verification email.

use std::fmt;

use super::{ContactId, PortalId};

/// Deterministic per portal, contact and email: HubSpot sends no more than
/// one email per sendId, so a repeated send (after a crash, by a second
/// replica) is harmless even when every other guard fails.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SendId(String);

impl SendId {
    /// The sendId of the verification email `email_id` to `contact`.
    pub fn verification(portal: PortalId, contact: ContactId, email_id: u64) -> Self {
        Self(format!("sr-verify-{portal}-{contact}-{email_id}"))
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
    fn send_ids_are_deterministic_and_distinct_per_contact() {
        let portal = PortalId::new(62515).expect("portal");
        let a = ContactId::new(4_294_967_297).expect("contact");
        let b = ContactId::new(4_294_967_298).expect("contact");
        assert_eq!(
            SendId::verification(portal, a, 7),
            SendId::verification(portal, a, 7)
        );
        assert_ne!(
            SendId::verification(portal, a, 7),
            SendId::verification(portal, b, 7)
        );
        assert_ne!(
            SendId::verification(portal, a, 7),
            SendId::verification(portal, a, 8)
        );
        assert_eq!(
            SendId::verification(portal, a, 7).as_str(),
            "sr-verify-62515-4294967297-7"
        );
    }
}
