//! The dead-letter stream: work that failed for good, with its reason, kept
//! for operators to inspect and replay.

use std::collections::BTreeMap;

use redis::AsyncCommands;
use redis::streams::StreamRangeReply;

use super::dead_letter::DeadLetter;
use crate::store::{RedisStore, StoreError};

/// About how many dead letters are kept (the stream is capped).
pub const DEAD_LETTERS_KEPT: usize = 10_000;

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
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The dead-letter stream.
    pub fn dead_letters(&self) -> DeadLetters<'_> {
        DeadLetters { store: self }
    }
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
            .get(crate::store::entry_field::CONTACT)
            .and_then(|contact| crate::domain::ContactId::parse(contact).ok())
            .map_or(0, |contact| self.store.keys.event_partition_of(contact));
        let fields: Vec<(&String, &String)> = fields.iter().collect();
        let mut conn = self.store.connection();
        self.store
            .bounded(conn.xadd(self.store.keys.event_stream(partition), "*", &fields))
            .await
    }
}
