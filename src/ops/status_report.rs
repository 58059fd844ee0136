//! What `status` reports, as read from Redis and as it is shown (text or
//! JSON): the vocabulary shared by the reading and the printing.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::store::Heartbeat;

/// A queue: its depth and how long its earliest entry has waited.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueView {
    pub depth: u64,
    /// Open signups: the oldest one's age. Queues of due times: how long
    /// the earliest entry has been due (0 when none is overdue).
    pub oldest_age_seconds: Option<f64>,
}

/// Open signups, and the states of the oldest `sampled` of them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenSignupsView {
    #[serde(flatten)]
    pub queue: QueueView,
    pub sampled: u64,
    pub by_state: BTreeMap<String, u64>,
}

/// One event stream partition.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionView {
    pub partition: u16,
    pub length: u64,
    pub pending: u64,
    /// Entries not yet delivered to the consumer group (when Redis says).
    pub lag: Option<u64>,
}

/// The dead-letter stream.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLettersView {
    pub count: u64,
    pub newest_reason: Option<String>,
}

/// One rate limiter's window.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaView {
    pub limiter: &'static str,
    pub in_use: u32,
    pub max: u32,
    pub window_seconds: f64,
}

/// Dedupe markers, estimated from a bounded `SCAN` sample of each master.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkersView {
    pub estimate: u64,
    /// True when every master's scan finished within the sample (exact count).
    pub exact: bool,
    pub keys_sampled: u64,
    pub masters: usize,
}

/// A process seen recently, by its heartbeat.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessView {
    #[serde(flatten)]
    pub heartbeat: Heartbeat,
    pub seen_seconds_ago: f64,
}

/// The whole screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// When it was read (ms).
    pub at: u64,
    pub key_prefix: String,
    pub cluster: bool,
    pub open_signups: OpenSignupsView,
    pub check_queue: QueueView,
    pub forms_retry_queue: QueueView,
    pub event_partitions: Vec<PartitionView>,
    pub dead_letters: DeadLettersView,
    pub quota: Vec<QuotaView>,
    pub dedupe_markers: MarkersView,
    pub processes: Vec<ProcessView>,
}
