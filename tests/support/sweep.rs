//! The reconciliation sweep, run one `sweep_once` at a time by the test on
//! a private Redis (no HubSpot call is made).

use std::time::Duration;

use signup_reactor::config::Config;
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{Sweeper, WorkerContext};

use super::app::test_config;
use super::redis_server::TestRedis;

/// Signups older than this are swept.
pub const SWEEP_AFTER: Duration = Duration::from_secs(60);

/// The test configuration on `redis`, sweeping after [`SWEEP_AFTER`].
pub fn sweep_config(redis: &TestRedis) -> Config {
    let mut config = test_config(&redis.url);
    config.worker.sweep_after = SWEEP_AFTER;
    config
}

/// A sweeper of `config` on `store`, with a worker context of its own (as
/// another replica has).
pub fn new_sweeper(config: &Config, store: RedisStore) -> Sweeper {
    let hubspot = HubSpotClient::new(config.hubspot_endpoints()).expect("client");
    Sweeper::new(WorkerContext::for_config(config, store, hubspot))
}

/// Lets the next sweep run at once, as if `SWEEP_INTERVAL` had passed.
pub async fn release_sweep_lock(redis: &TestRedis, store: &RedisStore) {
    let mut conn = redis.connection().await;
    let _: i64 = redis::cmd("DEL")
        .arg(store.keys().sweep_lock())
        .query_async(&mut conn)
        .await
        .expect("DEL");
}
