//! Parsing a verified webhook body into events, tolerantly: unknown fields and
//! unknown subscription types are accepted; only a body that is not a JSON array
//! of event objects is refused.

use serde_json::{Map, Value};

use super::signature::VerifiedBody;
use crate::domain::{ContactEvent, ContactId, Email, EventIdentity, EventKind, PortalId};

/// Why a verified body is not a batch of events.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PayloadError {
    #[error("the body is not valid JSON")]
    NotJson,
    #[error("the body is not a JSON array")]
    NotArray,
    #[error("element {0} is not an event object with a subscriptionType")]
    NotAnEvent(usize),
    #[error("element {index} ({subscription_type}) lacks a valid {field}")]
    MissingField {
        index: usize,
        subscription_type: String,
        field: &'static str,
    },
}

/// One element of a batch.
#[derive(Debug, Clone)]
pub enum ParsedEvent {
    /// A contact event the reactor records.
    Contact(ContactEvent),
    /// Any other subscription type: accepted and counted only.
    Unsupported { subscription_type: String },
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
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| parse_event(index, item))
        .collect()
}

fn parse_event(index: usize, item: Value) -> Result<ParsedEvent, PayloadError> {
    let Value::Object(mut map) = item else {
        return Err(PayloadError::NotAnEvent(index));
    };
    let Some(subscription_type) = map.get("subscriptionType").and_then(Value::as_str) else {
        return Err(PayloadError::NotAnEvent(index));
    };
    let subscription_type = subscription_type.to_owned();
    let kind = EventKind::from_subscription_type(&subscription_type);
    if kind == EventKind::Other {
        return Ok(ParsedEvent::Unsupported { subscription_type });
    }
    let missing = |field| PayloadError::MissingField {
        index,
        subscription_type: subscription_type.clone(),
        field,
    };
    let portal_id = id_field(&map, "portalId")
        .and_then(|id| PortalId::new(id).ok())
        .ok_or_else(|| missing("portalId"))?;
    let contact_id = id_field(&map, "objectId")
        .and_then(|id| ContactId::new(id).ok())
        .ok_or_else(|| missing("objectId"))?;
    let property_name = map
        .get("propertyName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if kind == EventKind::ContactPropertyChange && property_name.is_none() {
        return Err(missing("propertyName"));
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
    Ok(ParsedEvent::Contact(ContactEvent {
        identity,
        kind,
        subscription_type,
        portal_id,
        contact_id,
        occurred_at,
        attempt_number,
        property_name,
        email_fingerprint,
        stored_json: Value::Object(map).to_string(),
    }))
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
