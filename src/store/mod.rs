//! Redis: the reactor's only state. Knows key names and scripts, nothing of HTTP.
//!
//! Three parts: `events/` (the partitioned event log webhooks record and
//! consumers read), `signups/` (signup records and the queues and marks
//! around them) and `shared/` (the connection, key names, settings and the
//! handles every part leans on: rate limits, locks, readiness, heartbeats).
//! Lua scripts live in `scripts/`. This file only declares and re-exports.

mod error;
mod events;
mod shared;
mod signups;

pub use error::{StoreError, UnreadableSignup};
pub use events::entry::{RecordedEvent, StreamEntry, entry_field};
pub use events::group::HANDOFF_CONSUMER;
pub use events::log::Events;
pub use events::record::RecordOutcome;
pub use events::wait::StreamWaiter;
pub use shared::connection::RedisConnection;
pub use shared::heartbeats::{Heartbeat, Heartbeats};
pub use shared::keys::{self, Keys};
pub use shared::lock::Lock;
pub use shared::permit_guard::{PermitGuard, PermitRequest};
pub use shared::rate_limit::{Limiter, Permit, PermitIds, RateLimits, Reservation};
pub use shared::readiness::Readiness;
pub use shared::redis_store::RedisStore;
pub use shared::server_settings::{ServerSettings, SettingWarning};
pub use shared::settings::{
    ClusterMode, MAX_EVENT_PARTITIONS, Quota, RedisSettings, redacted_url, redis_nodes,
};
pub use signups::address_ceiling::{ADDRESS_CEILING_WINDOW, AddressCeiling};
pub use signups::checks::{CREATED_CONTACT_LIFETIME, CheckEnd, Checks, DueBacklog, Finish};
pub use signups::dead_letter::{DeadLetter, DeadLetterSource, source_label};
pub use signups::dead_letters::{DeadLetterPage, DeadLetters};
pub use signups::delay::DelayQueue;
pub use signups::fence::{Created, Guard, Written};
pub use signups::idempotency::{ClaimToken, Fenced, Idempotency, IdempotencyClaim, StoredResponse};
pub use signups::records::Signups;
pub use signups::status_reads::{KeySample, PartitionDepth, StatusReads};
pub use signups::sweep_cursor::{OpenPage, OpenPosition, SweepCursor};
pub use signups::wake_list::{WAKE_LIST_LENGTH, WakeListWaiter};
