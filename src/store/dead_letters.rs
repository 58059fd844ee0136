//! The dead-letter stream: work that failed for good, with its reason, kept
//! for operators to inspect and replay.

use std::collections::BTreeMap;

use redis::AsyncCommands;
use redis::streams::StreamRangeReply;

use super::{RedisStore, StoreError};

/// About how many dead letters are kept (the stream is capped).
pub const DEAD_LETTERS_KEPT: usize = 10_000;

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

/// Most entries read by one `XRANGE`.
const PAGE: usize = 100;

/// One page of the dead-letter stream.
#[derive(Debug, Clone, Default)]
pub struct DeadLetterPage {
    /// The page's dead letters (entries of no known source are left out).
    pub letters: Vec<DeadLetter>,
    /// The id of the page's last entry, to read on after it; `None` when the
    /// page was empty (the stream has no more).
    pub last: Option<String>,
}

/// A stream entry as a dead letter; `None` for an entry of no known source.
fn letter_of(entry: redis::streams::StreamId) -> Option<DeadLetter> {
    let fields = entry
        .map
        .keys()
        .filter_map(|k| entry.get::<String>(k).map(|v| (k.clone(), v)))
        .collect();
    DeadLetter::from_fields(entry.id, fields)
}

/// The dead-letter stream; see [`RedisStore::dead_letters`].
#[derive(Debug, Clone, Copy)]
pub struct DeadLetters<'a> {
    pub(super) store: &'a RedisStore,
}

impl DeadLetters<'_> {
    /// Appends a dead letter. The stream keeps about the newest [`DEAD_LETTERS_KEPT`].
    pub async fn append(&self, letter: &DeadLetter) -> Result<String, StoreError> {
        let fields = letter.to_fields();
        let mut conn = self.store.connection();
        let cap = redis::streams::StreamMaxlen::Approx(DEAD_LETTERS_KEPT);
        self.store
            .bounded(conn.xadd_maxlen(self.store.keys.dead_letters(), cap, "*", &fields))
            .await
    }

    /// Dead letters, oldest first, at most `count` (entries of no known source
    /// are skipped), read a page at a time.
    pub async fn list(&self, count: usize) -> Result<Vec<DeadLetter>, StoreError> {
        let mut letters = Vec::new();
        let mut after: Option<String> = None;
        while letters.len() < count {
            let page = self
                .page(after.as_deref(), "+", (count - letters.len()).min(PAGE))
                .await?;
            letters.extend(page.letters);
            match page.last {
                Some(last) => after = Some(last),
                None => break,
            }
        }
        Ok(letters)
    }

    /// Up to `count` dead letters after the entry `after` (from the first when
    /// `None`) up to the entry `until` (`+`: the newest), oldest first.
    pub async fn page(
        &self,
        after: Option<&str>,
        until: &str,
        count: usize,
    ) -> Result<DeadLetterPage, StoreError> {
        let start = after.map_or_else(|| "-".to_owned(), |id| format!("({id}"));
        let mut conn = self.store.connection();
        let reply: StreamRangeReply = self
            .store
            .bounded(conn.xrange_count(
                self.store.keys.dead_letters(),
                start,
                until,
                count.clamp(1, PAGE),
            ))
            .await?;
        let last = reply.ids.last().map(|entry| entry.id.clone());
        let letters = reply.ids.into_iter().filter_map(letter_of).collect();
        Ok(DeadLetterPage { letters, last })
    }

    /// One dead letter by its id, if it is still kept.
    pub async fn get(&self, id: &str) -> Result<Option<DeadLetter>, StoreError> {
        let mut conn = self.store.connection();
        let reply: StreamRangeReply = self
            .store
            .bounded(conn.xrange_count(self.store.keys.dead_letters(), id, id, 1))
            .await?;
        Ok(reply.ids.into_iter().find_map(letter_of))
    }

    /// The id of the newest dead letter, if any: where a replay of all of
    /// them stops (letters added meanwhile wait for the next replay).
    pub async fn newest_id(&self) -> Result<Option<String>, StoreError> {
        let mut conn = self.store.connection();
        let reply: StreamRangeReply = self
            .store
            .bounded(conn.xrevrange_count(self.store.keys.dead_letters(), "+", "-", 1))
            .await?;
        Ok(reply.ids.into_iter().next().map(|entry| entry.id))
    }

    /// Removes a dead letter (after a replay).
    pub async fn remove(&self, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.store.connection();
        let removed: i64 = self
            .store
            .bounded(conn.xdel(self.store.keys.dead_letters(), &[id]))
            .await?;
        Ok(removed > 0)
    }

    /// Puts an event back on the event stream, in its contact's partition
    /// (replaying a dead-lettered event).
    pub async fn re_record_event(
        &self,
        fields: &BTreeMap<String, String>,
    ) -> Result<String, StoreError> {
        let partition = fields
            .get(super::entry_field::CONTACT)
            .and_then(|contact| crate::domain::ContactId::parse(contact).ok())
            .map_or(0, |contact| self.store.keys.event_partition_of(contact));
        let fields: Vec<(&String, &String)> = fields.iter().collect();
        let mut conn = self.store.connection();
        self.store
            .bounded(conn.xadd(self.store.keys.event_stream(partition), "*", &fields))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_reads_back_as_written() {
        let entry: BTreeMap<String, String> = [
            ("contact".to_owned(), "7".to_owned()),
            ("type".to_owned(), "contact.creation".to_owned()),
        ]
        .into();
        for source in [
            DeadLetterSource::Event {
                entry_id: "1-0".to_owned(),
                fields: entry,
            },
            DeadLetterSource::Check {
                signup_id: "s1".to_owned(),
                contact: Some("7".to_owned()),
            },
            DeadLetterSource::Check {
                signup_id: "s2".to_owned(),
                contact: None,
            },
            DeadLetterSource::Forms {
                signup_id: "s3".to_owned(),
            },
        ] {
            let letter = DeadLetter::new(source, "why").with_correlation_id(Some("c-1".to_owned()));
            let fields: BTreeMap<String, String> = letter.to_fields().into_iter().collect();
            let read = DeadLetter::from_fields(String::new(), fields).expect("known source");
            assert_eq!(read, letter);
        }
        let unknown: BTreeMap<String, String> = [("source".to_owned(), "x".to_owned())].into();
        assert_eq!(DeadLetter::from_fields("1-0".to_owned(), unknown), None);
    }
}
