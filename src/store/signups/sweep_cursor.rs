//! Where the sweep stands in the open signups, so that successive sweeps (by
//! any replica) go through the whole open set rather than its oldest page.

use redis::AsyncCommands;

use crate::store::{RedisStore, StoreError};

/// A place in the open signups: a submit time (the set's score, ms) and
/// the signupId last seen at that time (members of one score are in order).
pub type OpenPosition = (u64, String);

/// One page of the open signups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenPage {
    /// The page's signups, in the set's order.
    pub positions: Vec<OpenPosition>,
    /// Whether more may follow (the read was full): else the page ends the set.
    pub more: bool,
}

/// The sweep's cursor and its reads of the open signups; see
/// [`RedisStore::sweep_cursor`].
#[derive(Debug, Clone, Copy)]
pub struct SweepCursor<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// Where the sweep stands in the open signups.
    pub fn sweep_cursor(&self) -> SweepCursor<'_> {
        SweepCursor { store: self }
    }
}

impl SweepCursor<'_> {
    /// Where the last sweep stopped; `None`: at the start.
    pub async fn load(&self) -> Result<Option<OpenPosition>, StoreError> {
        let mut conn = self.store.connection();
        let raw: Option<String> = self
            .store
            .bounded(conn.get(self.store.keys.sweep_cursor()))
            .await?;
        Ok(raw.as_deref().and_then(parse))
    }

    /// Records where the sweep stopped (`None`: the next starts over).
    pub async fn save(&self, position: Option<&OpenPosition>) -> Result<(), StoreError> {
        let key = self.store.keys.sweep_cursor();
        let mut conn = self.store.connection();
        match position {
            Some((at, id)) => {
                self.store
                    .bounded(conn.set::<_, _, ()>(key, format!("{at}:{id}")))
                    .await
            }
            None => self.store.bounded(conn.del::<_, ()>(key)).await,
        }
    }

    /// Up to `max` open signups submitted at or before `cutoff_ms`, in the
    /// set's order, after `after` (from the first when `None`).
    pub async fn page(
        &self,
        after: Option<&OpenPosition>,
        cutoff_ms: u64,
        max: usize,
    ) -> Result<OpenPage, StoreError> {
        let key = self.store.keys.signups_open();
        let from = after.map_or(0, |(at, _)| *at);
        let max = max.max(1);
        let mut offset = 0;
        loop {
            let mut conn = self.store.connection();
            let raw: Vec<(String, f64)> = self
                .store
                .bounded(conn.zrangebyscore_limit_withscores(
                    &key,
                    from,
                    cutoff_ms,
                    offset as isize,
                    max as isize,
                ))
                .await?;
            let full = raw.len() == max;
            let page: Vec<OpenPosition> = raw
                .into_iter()
                .map(|(id, score)| (score as u64, id))
                .collect();
            let positions = past(page, after);
            // A whole page at the cursor's own submit time, all seen: read on.
            if positions.is_empty() && full {
                offset += max;
                continue;
            }
            return Ok(OpenPage {
                positions,
                more: full,
            });
        }
    }
}

/// The positions of `page` (in the set's order) that come after `after`.
pub fn past(page: Vec<OpenPosition>, after: Option<&OpenPosition>) -> Vec<OpenPosition> {
    match after {
        None => page,
        Some(after) => page.into_iter().filter(|p| p > after).collect(),
    }
}

fn parse(raw: &str) -> Option<OpenPosition> {
    let (at, id) = raw.split_once(':')?;
    Some((at.parse().ok()?, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64, id: &str) -> OpenPosition {
        (ms, id.to_owned())
    }

    #[test]
    fn a_page_keeps_what_comes_after_the_cursor() {
        let page = vec![at(5, "a"), at(5, "c"), at(6, "b"), at(7, "a")];
        let table = [
            (None, page.clone()),
            (Some(at(5, "a")), vec![at(5, "c"), at(6, "b"), at(7, "a")]),
            (Some(at(5, "b")), vec![at(5, "c"), at(6, "b"), at(7, "a")]),
            (Some(at(5, "c")), vec![at(6, "b"), at(7, "a")]),
            (Some(at(4, "z")), page.clone()),
            (Some(at(7, "a")), vec![]),
        ];
        for (after, expected) in table {
            assert_eq!(past(page.clone(), after.as_ref()), expected, "{after:?}");
        }
    }

    #[test]
    fn the_cursor_reads_back_as_written() {
        assert_eq!(
            parse("1700000000000:s-1"),
            Some(at(1_700_000_000_000, "s-1"))
        );
        assert_eq!(parse("12:a:b"), Some(at(12, "a:b")));
        assert_eq!(parse("x:a"), None);
        assert_eq!(parse("12"), None);
    }
}
