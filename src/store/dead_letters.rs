//! The dead-letter stream: work that failed for good, with its reason, kept
//! for operators to inspect and replay.

use redis::AsyncCommands;

use super::{RedisStore, StoreError};

impl RedisStore {
    /// Appends a dead letter; `fields` must include `source` and `reason`.
    pub async fn dead_letter(&self, fields: &[(&str, String)]) -> Result<String, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.xadd(self.keys.dead_letters(), "*", fields))
            .await
    }
}
