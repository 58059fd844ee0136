//! Each `serve` process keeps a heartbeat key in Redis (role, version, start
//! time), so that `status` can list the processes seen recently.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{Heartbeat, RedisStore};
use crate::telemetry::catalog;

/// How often the heartbeat is renewed.
pub const BEAT_EVERY: Duration = Duration::from_secs(10);

/// How long a heartbeat key lives without renewal.
pub const BEAT_TTL: Duration = Duration::from_secs(30);

/// This process's heartbeat, as first written.
pub fn this_process(role: &str) -> Heartbeat {
    let now = crate::clock::now_ms();
    let id = uuid::Uuid::new_v4().simple().to_string();
    Heartbeat {
        process_id: id.chars().take(12).collect(),
        role: role.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        host: std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()),
        started_at: now,
        beat_at: now,
    }
}

/// Renews the heartbeat every [`BEAT_EVERY`] until `shutdown`, then removes it.
pub async fn keep_heartbeat(store: RedisStore, mut beat: Heartbeat, shutdown: CancellationToken) {
    loop {
        beat.beat_at = crate::clock::now_ms();
        if let Err(error) = store.heartbeats().beat(&beat, BEAT_TTL).await {
            metrics::counter!(catalog::REDIS_ERRORS, "operation" => "heartbeat").increment(1);
            tracing::warn!(error = ?error, "could not write the process heartbeat");
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = tokio::time::sleep(BEAT_EVERY) => {}
        }
    }
    if let Err(error) = store.heartbeats().remove(&beat.process_id).await {
        tracing::debug!(error = ?error, "could not remove the process heartbeat");
    }
}
