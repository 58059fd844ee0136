//! The event stream's handle: webhook events recorded in their partitions,
//! read and acknowledged through a consumer group, and the partition counts
//! in use.

use crate::store::RedisStore;

/// The partitioned event stream, reached through [`RedisStore::events`].
#[derive(Clone, Copy)]
pub struct Events<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The event stream: recording, reading, acknowledging, its groups and
    /// partitions.
    pub fn events(&self) -> Events<'_> {
        Events { store: self }
    }
}
