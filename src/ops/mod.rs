//! Operator commands: look at a contact, handle dead letters, set up HubSpot's
//! webhook subscriptions, a deployment's preflight (`check`), and the one
//! screen of what the reactor is doing (`status`).

pub mod dead_letters;
pub mod inspect;
pub mod preflight;
mod preflight_contact;
pub mod preflight_line;
pub mod status;
pub mod status_report;
mod status_view;
pub mod subscriptions;

use std::time::{Duration, UNIX_EPOCH};

use crate::config::RedisArgs;
use crate::store::RedisStore;

/// Connects to Redis for an operator command, failing with the variable's name
/// on bad settings and with advice when Redis does not answer.
pub async fn connect(args: &RedisArgs) -> anyhow::Result<RedisStore> {
    let settings = args.settings()?;
    let store = RedisStore::connect(&settings)?;
    store.readiness().ping().await.map_err(|error| {
        anyhow::anyhow!(
            "Redis at {} does not answer ({error}); is REDIS_URL right?",
            settings.display_url()
        )
    })?;
    Ok(store)
}

/// Milliseconds since the epoch as an RFC 3339 time (UTC), for people.
pub fn format_ms(ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// Like [`format_ms`], for a stored string; other text is shown as is.
pub fn format_ms_str(raw: &str) -> String {
    match raw.parse::<u64>() {
        Ok(ms) if ms > 1_000_000_000_000 => format_ms(ms),
        _ => raw.to_owned(),
    }
}
