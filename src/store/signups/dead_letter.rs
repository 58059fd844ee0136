//! One dead letter: where it came from, why it failed, and its fields in
//! the dead-letter stream.

use std::collections::BTreeMap;

/// The `source` of a dead letter, as its stream field and the
/// `dead_letters_total` metric name it.
pub mod source_label {
    /// A recorded event the consumer gave up on.
    pub const EVENTS: &str = "events";
    /// A signup whose check gave up.
    pub const CHECKS: &str = "checks";
    /// A signup whose Forms submission gave up.
    pub const FORMS: &str = "forms";
}

/// What was given up on, with what a replay needs. Stored in the stream as
/// the field `source` (`events`, `checks`, `forms`) and its own fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "source", rename_all_fields = "camelCase")]
pub enum DeadLetterSource {
    /// A stream entry delivered too often or unreadable: its fields, to record again.
    #[serde(rename = "events")]
    Event {
        entry_id: String,
        fields: BTreeMap<String, String>,
    },
    /// A signup whose check gave up (never visible, form never landed, HubSpot refused).
    #[serde(rename = "checks")]
    Check {
        signup_id: String,
        contact: Option<String>,
    },
    /// A signup the Forms API kept refusing or failing.
    #[serde(rename = "forms")]
    Forms { signup_id: String },
}

/// One dead letter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    /// The stream entry id (empty until stored).
    pub id: String,
    #[serde(flatten)]
    pub source: DeadLetterSource,
    pub reason: String,
    pub correlation_id: Option<String>,
    /// When it was given up on (ms).
    pub failed_at: u64,
}

/// The stream field names of a dead letter, in one place.
mod field {
    pub const SOURCE: &str = "source";
    pub const REASON: &str = "reason";
    pub const CORRELATION_ID: &str = "correlationId";
    pub const FAILED_AT: &str = "failedAt";
    pub const ENTRY_ID: &str = "entryId";
    pub const SIGNUP_ID: &str = "signupId";
    pub const CONTACT: &str = "contact";
}

impl DeadLetter {
    /// A new dead letter, failed now.
    pub fn new(source: DeadLetterSource, reason: impl Into<String>) -> Self {
        Self {
            id: String::new(),
            source,
            reason: reason.into(),
            correlation_id: None,
            failed_at: crate::clock::now_ms(),
        }
    }

    /// With HubSpot's correlationId, when there is one.
    pub fn with_correlation_id(mut self, correlation_id: Option<String>) -> Self {
        self.correlation_id = correlation_id.filter(|id| !id.is_empty());
        self
    }

    /// The `source` label (`events`, `checks`, `forms`), as metrics and the stream name it.
    pub fn source_label(&self) -> &'static str {
        match self.source {
            DeadLetterSource::Event { .. } => source_label::EVENTS,
            DeadLetterSource::Check { .. } => source_label::CHECKS,
            DeadLetterSource::Forms { .. } => source_label::FORMS,
        }
    }

    /// The stream fields: the one encoding.
    pub fn to_fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            (field::SOURCE.to_owned(), self.source_label().to_owned()),
            (field::REASON.to_owned(), self.reason.clone()),
            (field::FAILED_AT.to_owned(), self.failed_at.to_string()),
        ];
        if let Some(id) = &self.correlation_id {
            fields.push((field::CORRELATION_ID.to_owned(), id.clone()));
        }
        match &self.source {
            DeadLetterSource::Event {
                entry_id,
                fields: entry,
            } => {
                fields.push((field::ENTRY_ID.to_owned(), entry_id.clone()));
                fields.extend(entry.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            DeadLetterSource::Check { signup_id, contact } => {
                fields.push((field::SIGNUP_ID.to_owned(), signup_id.clone()));
                if let Some(contact) = contact {
                    fields.push((field::CONTACT.to_owned(), contact.clone()));
                }
            }
            DeadLetterSource::Forms { signup_id } => {
                fields.push((field::SIGNUP_ID.to_owned(), signup_id.clone()));
            }
        }
        fields
    }

    /// Reads a stored dead letter back; `None` for an entry of no known source.
    pub fn from_fields(id: String, mut fields: BTreeMap<String, String>) -> Option<Self> {
        let source = fields.remove(field::SOURCE)?;
        let reason = fields.remove(field::REASON).unwrap_or_default();
        let failed_at = fields
            .remove(field::FAILED_AT)
            .and_then(|at| at.parse().ok())
            .unwrap_or_default();
        let correlation_id = fields
            .remove(field::CORRELATION_ID)
            .filter(|id| !id.is_empty());
        let source = match source.as_str() {
            source_label::EVENTS => DeadLetterSource::Event {
                entry_id: fields.remove(field::ENTRY_ID).unwrap_or_default(),
                fields,
            },
            source_label::CHECKS => DeadLetterSource::Check {
                signup_id: fields.remove(field::SIGNUP_ID)?,
                contact: fields.remove(field::CONTACT).filter(|c| !c.is_empty()),
            },
            source_label::FORMS => DeadLetterSource::Forms {
                signup_id: fields.remove(field::SIGNUP_ID)?,
            },
            _ => return None,
        };
        Some(Self {
            id,
            source,
            reason,
            correlation_id,
            failed_at,
        })
    }
}

#[cfg(test)]
#[path = "dead_letter_tests.rs"]
mod tests;
