//! The event log: webhook events recorded in partitioned streams, read and
//! acknowledged through a consumer group, and the partition counts in use.

pub(super) mod entry;
pub(super) mod group;
pub(super) mod log;
pub(super) mod partition_counts;
pub(super) mod partitions;
pub(super) mod record;
pub(super) mod stream;
pub(super) mod wait;
