//! Waiting for work without polling: whatever makes a signup due sooner than
//! an idle worker expects (its Forms call went through, an event woke it: in
//! the same script; a Forms retry scheduled: right after) pushes a token on
//! the wake list, and each worker process blocks in `BLPOP` on that list, on
//! a connection of its own (a blocked command on the shared multiplexed
//! connection would hold up every other command). A token wakes the idle
//! checkers and Forms retry task of one blocked process, of any replica.
//!
//! Tokens pile up only while no process is blocked (every checker busy, and
//! busy checkers read the queue after each batch anyway); the list keeps at
//! most [`WAKE_LIST_LENGTH`] of them.

use std::time::Duration;

use crate::store::{RedisConnection, RedisStore, StoreError};

/// How many wake-up tokens the wake list keeps.
pub const WAKE_LIST_LENGTH: u32 = 64;

/// A blocking reader of the wake list for one worker process.
pub struct WakeListWaiter {
    key: String,
    conn: RedisConnection,
}

impl RedisStore {
    /// A waiter with its own connection; each wait blocks up to `longest`.
    pub fn wake_list_waiter(&self, longest: Duration) -> WakeListWaiter {
        WakeListWaiter {
            key: self.keys.wake_list(),
            conn: self.conn.dedicated(self.timeout + longest),
        }
    }
}

impl RedisStore {
    /// Pushes a token on the wake list (for work scheduled outside the
    /// signup scripts, which push their own).
    pub(in crate::store) async fn wake_workers(&self, token: &str) -> Result<(), StoreError> {
        let key = self.keys.wake_list();
        let mut conn = self.connection();
        let _: () = self
            .bounded(
                redis::pipe()
                    .lpush(&key, token)
                    .ignore()
                    .ltrim(&key, 0, WAKE_LIST_LENGTH as isize - 1)
                    .ignore()
                    .query_async(&mut conn),
            )
            .await?;
        Ok(())
    }
}

impl WakeListWaiter {
    /// Blocks until a token comes (true) or `longest` passed (false); at
    /// most the `longest` given to [`RedisStore::wake_list_waiter`].
    pub async fn wait(&self, longest: Duration) -> Result<bool, StoreError> {
        let mut conn = self.conn.clone();
        // BLPOP takes seconds (with decimals); 0 would block for ever.
        let seconds = longest.as_secs_f64().max(0.001);
        let token: Option<(String, String)> = redis::cmd("BLPOP")
            .arg(&self.key)
            .arg(format!("{seconds:.3}"))
            .query_async(&mut conn)
            .await?;
        Ok(token.is_some())
    }
}
