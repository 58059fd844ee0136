//! The Forms retry worker of a reactor on the simulator, which no process
//! runs: the test drives its steps.

use std::collections::BTreeMap;
use std::time::Duration;

use hubspot_simulator::{Simulator, SimulatorHandle};
use signup_reactor::config::Config;
use signup_reactor::domain::{SignupRecord, SignupStatus};
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::signup::SignupIntake;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::FormsRetry;

use super::app::test_config;
use super::records::signup_record;
use super::redis_server::TestRedis;
use super::stack::{sim_config, wire};
use super::test_log;

const TTL: Duration = Duration::from_secs(3600);

/// The Forms retry worker and what a test needs around it.
pub struct Retrying {
    pub sim: SimulatorHandle,
    pub redis: TestRedis,
    pub store: RedisStore,
    pub retry: FormsRetry,
}

/// [`Retrying`], after `adjust` edits the configuration.
pub async fn retrying(adjust: impl FnOnce(&mut Config)) -> Retrying {
    test_log::init();
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let redis = TestRedis::start();
    let mut config = test_config(&redis.url);
    wire(&mut config, &sim);
    adjust(&mut config);
    let store = RedisStore::connect(&config.redis).expect("store");
    let hubspot = HubSpotClient::new(config.hubspot_endpoints()).expect("client");
    let intake = SignupIntake::for_config(&config, store.clone(), hubspot);
    let retry = FormsRetry {
        intake,
        finished_ttl: config.worker.finished_ttl,
    };
    Retrying {
        sim,
        redis,
        store,
        retry,
    }
}

impl Retrying {
    /// A signup queued for a Forms retry, due now, as the intake queues it.
    pub async fn queued(&self, email: &str, fields: BTreeMap<String, String>) -> SignupRecord {
        let mut record = signup_record(email, signup_reactor::clock::now_ms());
        record.fields = fields;
        self.store
            .signups()
            .create(&record, TTL)
            .await
            .expect("create");
        record.status = SignupStatus::Queued;
        record.attempts = 1;
        self.store.signups().save(&record, TTL).await.expect("save");
        self.store
            .forms_retry_queue()
            .schedule(&record.signup_id, Duration::ZERO)
            .await
            .expect("schedule");
        record
    }

    /// A plain connection to the test's Redis.
    pub async fn redis_conn(&self) -> redis::aio::MultiplexedConnection {
        self.redis.connection().await
    }
}
