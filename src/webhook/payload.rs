//! Parsing a verified webhook body into events, tolerantly: unknown fields and
//! unknown subscription types are accepted, and one malformed event never sinks
//! its batch; only a body that is not a JSON array is refused.

use serde_json::{Map, Value};

use super::signature::VerifiedBody;
use crate::domain::{ContactEvent, ContactId, Email, EventIdentity, EventKind, PortalId};

/// The `objectTypeId` of contacts in generic (`object.*`) events.
pub const CONTACT_OBJECT_TYPE_ID: &str = "0-1";

/// Why a verified body is not a batch of events at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PayloadError {
    #[error("the body is not valid JSON")]
    NotJson,
    #[error("the body is not a JSON array")]
    NotArray,
}

/// How an app subscribed to an event: a classic `contact.*` subscription, or a
/// project app's generic `object.*` (`crmObjects`) subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStyle {
    Classic,
    Generic,
}

impl SubscriptionStyle {
    /// Label used in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Generic => "generic",
        }
    }

    /// The subscription type that delivers events of `kind` in this style.
    pub fn type_name(self, kind: EventKind) -> &'static str {
        match (self, kind) {
            (Self::Generic, EventKind::ContactPropertyChange) => "object.propertyChange",
            (Self::Generic, EventKind::ContactDeletion) => "object.deletion",
            (Self::Generic, _) => "object.creation",
            (Self::Classic, EventKind::ContactPropertyChange) => "contact.propertyChange",
            (Self::Classic, EventKind::ContactDeletion) => "contact.deletion",
            (Self::Classic, _) => "contact.creation",
        }
    }

    fn of(subscription_type: &str) -> Self {
        if subscription_type.starts_with("object.") {
            Self::Generic
        } else {
            Self::Classic
        }
    }
}

/// Why one element of a batch was skipped: the field it lacks (a fixed set,
/// used as a metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Not a JSON object with a string `subscriptionType`.
    NotAnEvent,
    PortalId,
    ObjectId,
    ObjectTypeId,
    PropertyName,
}

impl Malformed {
    /// Label for the `reason` of malformed-event metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAnEvent => "not_an_event",
            Self::PortalId => "portal_id",
            Self::ObjectId => "object_id",
            Self::ObjectTypeId => "object_type_id",
            Self::PropertyName => "property_name",
        }
    }
}

/// One element of a batch.
#[derive(Debug, Clone)]
pub enum ParsedEvent {
    /// A contact event the reactor records, whichever style delivered it.
    Contact {
        event: ContactEvent,
        style: SubscriptionStyle,
    },
    /// Any other subscription type, or a generic event about another object
    /// type: accepted and counted only.
    Unsupported {
        subscription_type: String,
        style: SubscriptionStyle,
        /// `unsupported_type` or `other_object_type`.
        reason: &'static str,
    },
    /// An element that is not a usable event: counted and skipped.
    Malformed { index: usize, reason: Malformed },
}

/// Parses a verified body into its events, in order.
pub fn parse_batch(body: &VerifiedBody) -> Result<Vec<ParsedEvent>, PayloadError> {
    parse_bytes(body.bytes())
}

fn parse_bytes(bytes: &[u8]) -> Result<Vec<ParsedEvent>, PayloadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| PayloadError::NotJson)?;
    let Value::Array(items) = value else {
        return Err(PayloadError::NotArray);
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            parse_event(item).unwrap_or_else(|reason| ParsedEvent::Malformed { index, reason })
        })
        .collect())
}

fn parse_event(item: Value) -> Result<ParsedEvent, Malformed> {
    let Value::Object(mut map) = item else {
        return Err(Malformed::NotAnEvent);
    };
    let Some(subscription_type) = map.get("subscriptionType").and_then(Value::as_str) else {
        return Err(Malformed::NotAnEvent);
    };
    let subscription_type = subscription_type.to_owned();
    let style = SubscriptionStyle::of(&subscription_type);
    let kind = match contact_kind(&subscription_type, &map)? {
        Some(kind) => kind,
        None => {
            let reason =
                if style == SubscriptionStyle::Generic && is_contact_type(&map) == Some(false) {
                    "other_object_type"
                } else {
                    "unsupported_type"
                };
            return Ok(ParsedEvent::Unsupported {
                subscription_type,
                style,
                reason,
            });
        }
    };
    let portal_id = id_field(&map, "portalId")
        .and_then(|id| PortalId::new(id).ok())
        .ok_or(Malformed::PortalId)?;
    let contact_id = id_field(&map, "objectId")
        .and_then(|id| ContactId::new(id).ok())
        .ok_or(Malformed::ObjectId)?;
    let property_name = map
        .get("propertyName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if kind == EventKind::ContactPropertyChange && property_name.is_none() {
        return Err(Malformed::PropertyName);
    }
    let identity = EventIdentity::of(&map);
    let occurred_at = id_field(&map, "occurredAt");
    let attempt_number = id_field(&map, "attemptNumber").unwrap_or(0);
    let email_fingerprint = (property_name.as_deref() == Some("email"))
        .then(|| map.get("propertyValue").and_then(Value::as_str))
        .flatten()
        .and_then(|value| Email::parse(value).ok())
        .map(|email| email.fingerprint());
    map.remove("propertyValue");
    Ok(ParsedEvent::Contact {
        event: ContactEvent {
            identity,
            kind,
            // The stream entry is the same whichever style delivered the event.
            subscription_type: SubscriptionStyle::Classic.type_name(kind).to_owned(),
            portal_id,
            contact_id,
            occurred_at,
            attempt_number,
            property_name,
            email_fingerprint,
            stored_json: Value::Object(map).to_string(),
        },
        style,
    })
}

/// The contact event kind of a subscription type, if it is one: the classic
/// `contact.*` types, or the generic `object.*` ones about `objectTypeId` `0-1`.
fn contact_kind(
    subscription_type: &str,
    map: &Map<String, Value>,
) -> Result<Option<EventKind>, Malformed> {
    let generic = match subscription_type {
        "object.creation" => EventKind::ContactCreation,
        "object.propertyChange" => EventKind::ContactPropertyChange,
        "object.deletion" => EventKind::ContactDeletion,
        classic => {
            let kind = EventKind::from_subscription_type(classic);
            return Ok((kind != EventKind::Other).then_some(kind));
        }
    };
    match is_contact_type(map) {
        Some(true) => Ok(Some(generic)),
        Some(false) => Ok(None),
        None => Err(Malformed::ObjectTypeId),
    }
}

/// Whether a generic event is about contacts; `None` without a readable
/// `objectTypeId`.
fn is_contact_type(map: &Map<String, Value>) -> Option<bool> {
    map.get("objectTypeId")
        .and_then(Value::as_str)
        .map(|id| id.trim() == CONTACT_OBJECT_TYPE_ID)
}

/// Reads a non-negative integer field; HubSpot sends numbers, but a numeric
/// string is accepted too.
fn id_field(map: &Map<String, Value>, name: &str) -> Option<u64> {
    match map.get(name)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
#[path = "payload_tests.rs"]
mod tests;
