//! A signup's own id: minted once when the app hands the signup over, then
//! the key of its record, its claims and its queues, and the root of its
//! Single Send `sendId`. A type of its own so that no other string (an
//! address, a contact id, a token) stands in for it.

use std::fmt;
use std::ops::Deref;

/// The id of one signup (a UUID in its hyphenated text form).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct SignupId(String);

impl SignupId {
    /// A new, unique id.
    pub fn mint() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The id as it is written in Redis and in answers.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Read from Redis or a request: an id already minted by the reactor.
impl From<String> for SignupId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for SignupId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl fmt::Display for SignupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stores and scripts take the id as text.
impl Deref for SignupId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for SignupId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for SignupId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<SignupId> for String {
    fn eq(&self, other: &SignupId) -> bool {
        *self == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_text() {
        let id = SignupId::mint();
        let json = serde_json::to_string(&id).expect("json");
        assert_eq!(json, format!("\"{id}\""));
        let back: SignupId = serde_json::from_str(&json).expect("back");
        assert_eq!(back, id);
        assert_ne!(SignupId::mint(), id, "each mint is new");
    }
}
