//! A HubSpot webhook event, as the reactor keeps it.

use std::fmt;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{ContactId, PortalId};

/// The subscription types the reactor acts on; everything else is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    ContactCreation,
    ContactPropertyChange,
    /// The contact was deleted: its signups' checks end.
    ContactDeletion,
    /// Any other subscription type: accepted, counted, not recorded.
    Other,
}

impl EventKind {
    /// Classifies a `subscriptionType` string.
    pub fn from_subscription_type(value: &str) -> Self {
        match value {
            "contact.creation" => Self::ContactCreation,
            "contact.propertyChange" => Self::ContactPropertyChange,
            "contact.deletion" => Self::ContactDeletion,
            _ => Self::Other,
        }
    }
}

/// What identifies one event across redeliveries: a digest of all its fields
/// except `attemptNumber` (HubSpot's `eventId` alone is not unique).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EventIdentity(String);

impl EventIdentity {
    /// Computes the identity of an event object.
    pub fn of(event: &Map<String, Value>) -> Self {
        let mut canonical = String::new();
        write_canonical_object(event, &mut canonical, true);
        let digest = Sha256::digest(canonical.as_bytes());
        Self(hex::encode(&digest[..16]))
    }

    /// Hex form, as used in Redis keys and logs.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EventIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventIdentity({})", self.0)
    }
}

/// Serialises with keys sorted at every level, so that field order never
/// changes the identity; `attemptNumber` is left out at the top level.
fn write_canonical_object(map: &Map<String, Value>, out: &mut String, top: bool) {
    let mut keys: Vec<&String> = map
        .keys()
        .filter(|k| !(top && k.as_str() == "attemptNumber"))
        .collect();
    keys.sort();
    out.push('{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        if let Some(value) = map.get(key) {
            write_canonical(value, out);
        }
    }
    out.push('}');
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => write_canonical_object(map, out, false),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A contact event worth recording: `contact.creation` or `contact.propertyChange`.
#[derive(Debug, Clone)]
pub struct ContactEvent {
    pub identity: EventIdentity,
    pub kind: EventKind,
    pub subscription_type: String,
    pub portal_id: PortalId,
    pub contact_id: ContactId,
    pub occurred_at: Option<u64>,
    pub attempt_number: u64,
    pub property_name: Option<String>,
    /// For a change of `email`: the new address's fingerprint (never the
    /// address), so that the worker wakes exactly the signups waiting for it.
    pub email_fingerprint: Option<String>,
    /// The event as received, less `propertyValue` (which may hold personal data).
    pub stored_json: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        match serde_json::from_str(json) {
            Ok(Value::Object(map)) => map,
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn identity_ignores_attempt_number_and_field_order() {
        let a = object(r#"{"eventId":1,"objectId":2,"attemptNumber":0,"x":{"b":1,"a":2}}"#);
        let b = object(r#"{"x":{"a":2,"b":1},"attemptNumber":7,"objectId":2,"eventId":1}"#);
        assert_eq!(EventIdentity::of(&a), EventIdentity::of(&b));
    }

    #[test]
    fn identity_differs_when_any_other_field_differs() {
        let base = EventIdentity::of(&object(r#"{"eventId":1,"objectId":2,"occurredAt":5}"#));
        for other in [
            r#"{"eventId":1,"objectId":3,"occurredAt":5}"#,
            r#"{"eventId":1,"objectId":2,"occurredAt":6}"#,
            r#"{"eventId":1,"objectId":2,"occurredAt":5,"propertyValue":"a"}"#,
            r#"{"eventId":1,"objectId":2,"occurredAt":5,"x":{"attemptNumber":1}}"#,
        ] {
            assert_ne!(base, EventIdentity::of(&object(other)), "{other}");
        }
        assert_eq!(base.as_str().len(), 32);
    }
}
