//! The consumer group's name, shared by the consumers, their gauges and
//! `status`.

/// The consumer group every replica's workers join.
pub const CONSUMER_GROUP: &str = "reactor-workers";
