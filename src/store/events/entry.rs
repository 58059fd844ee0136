//! A recorded event as the worker reads it back: the stream entry, its
//! fields (named in one place), and the typed view of them.

use std::collections::HashMap;

use redis::streams::StreamId;

/// One stream entry handed to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEntry {
    pub id: String,
    pub fields: HashMap<String, String>,
    /// How many times it has been delivered, this time included.
    pub deliveries: u64,
    /// The partition (stream) it was read from, where it is acknowledged.
    pub partition: u16,
}

/// The stream fields `scripts/record_events.lua` writes, named in one place
/// (a test ties the script to them).
pub mod entry_field {
    pub const IDENTITY: &str = "identity";
    pub const TYPE: &str = "type";
    pub const PORTAL: &str = "portal";
    pub const CONTACT: &str = "contact";
    pub const OCCURRED_AT: &str = "occurredAt";
    pub const PROPERTY: &str = "property";
    pub const EVENT: &str = "event";
    pub const EMAIL_FINGERPRINT: &str = "emailFp";
    pub const RECEIVED_AT: &str = "receivedAt";
    /// Every field, in the order the script writes them.
    pub const ALL: [&str; 9] = [
        IDENTITY,
        TYPE,
        PORTAL,
        CONTACT,
        OCCURRED_AT,
        PROPERTY,
        EVENT,
        EMAIL_FINGERPRINT,
        RECEIVED_AT,
    ];
}

/// What the worker reads of a recorded event: a hint about one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    /// `None` when the entry carries no valid contact id.
    pub contact: Option<crate::domain::ContactId>,
    pub kind: crate::domain::EventKind,
    /// For an `email` change, the new address's fingerprint.
    pub email_fingerprint: Option<String>,
}

impl StreamEntry {
    /// The typed view of the entry.
    pub fn event(&self) -> RecordedEvent {
        let field = |name: &str| self.fields.get(name).map(String::as_str);
        RecordedEvent {
            contact: field(entry_field::CONTACT)
                .and_then(|c| crate::domain::ContactId::parse(c).ok()),
            kind: crate::domain::EventKind::from_subscription_type(
                field(entry_field::TYPE).unwrap_or_default(),
            ),
            email_fingerprint: field(entry_field::EMAIL_FINGERPRINT)
                .filter(|fp| !fp.is_empty())
                .map(str::to_owned),
        }
    }

    pub(in crate::store) fn from_stream_id(
        entry: StreamId,
        partition: u16,
        deliveries: u64,
    ) -> Self {
        let fields = entry
            .map
            .keys()
            .filter_map(|k| entry.get::<String>(k).map(|v| (k.clone(), v)))
            .collect();
        Self {
            id: entry.id,
            fields,
            deliveries,
            partition,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContactId, EventKind};

    #[test]
    fn the_record_script_writes_exactly_the_named_fields() {
        let script = include_str!("../scripts/record_events.lua");
        let xadd = &script[script.find("XADD").expect("the script appends with XADD")..];
        for name in entry_field::ALL {
            assert!(
                xadd.contains(&format!("'{name}'")),
                "the script does not write {name}"
            );
        }
        // One `'name', value` pair per line until the call closes.
        let written = xadd
            .lines()
            .skip(1)
            .take_while(|line| !line.trim_start().starts_with("else"))
            .filter(|line| line.trim_start().starts_with('\''))
            .count();
        assert_eq!(
            written,
            entry_field::ALL.len(),
            "the script writes unnamed fields"
        );
    }

    #[test]
    fn entries_read_as_typed_events() {
        let entry = StreamEntry {
            id: "1-0".to_owned(),
            fields: [
                (entry_field::CONTACT, "42"),
                (entry_field::TYPE, "contact.deletion"),
                (entry_field::EMAIL_FINGERPRINT, ""),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            deliveries: 1,
            partition: 0,
        };
        let event = entry.event();
        assert_eq!(event.contact, ContactId::new(42).ok());
        assert_eq!(event.kind, EventKind::ContactDeletion);
        assert_eq!(event.email_fingerprint, None);
    }
}
