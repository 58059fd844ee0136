//! What every part of the store leans on: the connection and the handle
//! around it, key names and scans, settings, rate limits and the permit
//! guard, locks, readiness, the server's settings and heartbeats.

pub(super) mod connection;
pub(super) mod heartbeats;
pub(super) mod key_scan;
pub mod keys;
pub(super) mod lock;
pub(super) mod permit_guard;
pub(super) mod rate_limit;
pub(super) mod readiness;
pub(super) mod redis_store;
pub(super) mod server_settings;
pub(super) mod settings;
