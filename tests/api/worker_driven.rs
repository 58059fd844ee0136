//! A receiver alone (no worker) on the simulator, whose worker steps the
//! tests drive one at a time.

use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{Simulator, SimulatorHandle};
use signup_reactor::domain::{Email, SignupRecord, SignupStatus};
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::startup::Role;
use signup_reactor::store::RedisStore;
use signup_reactor::store::{Limiter, Reservation};
use signup_reactor::worker::{
    BatchReport, CheckOutcome, ConsumeOutcome, EventConsumer, SignupChecker, WorkerContext,
};

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;
use crate::support::stack::{eventually, post_form_entry, signup_body, sim_config, wire};
use crate::worker_signups::signup_id;

/// A receiver alone (no worker) on the simulator; the test drives the worker's steps.
pub struct Driven {
    pub sim: SimulatorHandle,
    pub app: TestApp,
    pub ctx: Arc<WorkerContext>,
    pub store: RedisStore,
}

pub async fn driven() -> Driven {
    driven_with(|_| {}).await
}

/// [`driven`], after `adjust` edits the configuration.
pub async fn driven_with(adjust: impl FnOnce(&mut signup_reactor::config::Config)) -> Driven {
    driven_on(sim_config(), adjust).await
}

/// [`driven_with`], on a simulator with this configuration.
pub async fn driven_on(
    sim_config: hubspot_simulator::SimConfig,
    adjust: impl FnOnce(&mut signup_reactor::config::Config),
) -> Driven {
    let sim = Simulator::start(sim_config).await.expect("simulator");
    let app = TestApp::spawn_role(Role::Receiver, TestRedis::start(), |config| {
        wire(config, &sim);
        config.worker.form_clock_skew = Duration::ZERO;
        adjust(config);
    })
    .await;
    sim.set_webhook_target(Some(app.webhook_url()));
    let config = &app.config;
    let store = RedisStore::connect(&config.redis).expect("store");
    let hubspot = HubSpotClient::new(config.hubspot_endpoints()).expect("client");
    let ctx = WorkerContext::for_config(config, store.clone(), hubspot);
    Driven {
        sim,
        app,
        ctx,
        store,
    }
}

impl Driven {
    /// A submitted signup that never went through the Forms API.
    pub async fn record_only(&self, email: &str) -> SignupRecord {
        let mut record = SignupRecord::new(
            Email::parse(email).expect("email"),
            Default::default(),
            Default::default(),
            Default::default(),
            signup_reactor::clock::now_ms(),
        );
        let ttl = Duration::from_secs(3600);
        self.store
            .signups()
            .create(&record, ttl)
            .await
            .expect("create");
        record.status = SignupStatus::Submitted;
        assert!(
            self.store
                .signups()
                .submitted(&record, ttl, Duration::ZERO)
                .await
                .expect("submitted")
        );
        record
    }

    /// A contact HubSpot has from a form entry that was no signup of ours.
    pub async fn import(&self, email: &str) -> u64 {
        post_form_entry(&self.sim, email).await;
        let sim = &self.sim;
        assert!(
            eventually(Duration::from_secs(10), || async {
                sim.contact_by_email(email).is_some_and(|c| c.visible_now())
            })
            .await
        );
        sim.contact_by_email(email).expect("contact").id
    }

    pub async fn make_due(&self, id: &str) {
        let record = self
            .store
            .signups()
            .load(id)
            .await
            .expect("load")
            .expect("record");
        self.store
            .signups()
            .submitted(&record, Duration::from_secs(3600), Duration::ZERO)
            .await
            .expect("due");
    }

    /// Consumes every recorded event (the webhook deliveries so far).
    pub async fn consume_all(&self) {
        let consumer = EventConsumer::new(self.ctx.clone());
        while let Ok(outcome) = consumer.process_next().await {
            if outcome == ConsumeOutcome::Idle {
                break;
            }
        }
    }
}

/// A signup through the Forms API whose contact is visible with its
/// submission, and whose events (an `email` change among them) were consumed.
pub async fn landed_signup(d: &Driven, email: &str) -> String {
    let id = signup_id(d.app.signup(&signup_body(email), None).await).await;
    let sim = &d.sim;
    assert!(
        eventually(Duration::from_secs(10), || async {
            sim.contact_by_email(email)
                .is_some_and(|c| c.visible_now() && !c.form_submissions.is_empty())
        })
        .await
    );
    let contact = sim.contact_by_email(email).expect("contact").id;
    let wanted = sim
        .events()
        .iter()
        .filter(|e| e.object_id == contact)
        .count();
    assert!(
        eventually(Duration::from_secs(10), || async {
            d.app
                .stream_contacts()
                .await
                .iter()
                .filter(|c| **c == contact.to_string())
                .count()
                >= wanted
        })
        .await,
        "every event of the contact was delivered"
    );
    d.consume_all().await;
    id
}

/// One check step, which must have claimed a batch.
pub async fn batch(checker: &SignupChecker) -> BatchReport {
    match checker.process_next().await.expect("check") {
        CheckOutcome::Batch(report) => report,
        idle => panic!("nothing was due: {idle:?}"),
    }
}

/// Takes more than half of the API quota, as a busy launch would.
pub async fn use_most_of_the_quota(d: &Driven) {
    let quota = d.ctx.settings.api_quota;
    let granted = d
        .store
        .rate_limits()
        .reserve(Limiter::Api, quota, quota.max / 2 + 1)
        .await
        .expect("reserve");
    assert!(matches!(granted, Reservation::Granted(_)));
}

pub async fn free_the_quota(d: &Driven) {
    let mut conn = d.app.redis_conn().await;
    let key = d.store.keys().rate_limit(Limiter::Api.name());
    let _: i64 = redis::cmd("DEL")
        .arg(key)
        .query_async(&mut conn)
        .await
        .expect("del");
}

/// The fingerprint of an address, as keys carry it.
pub fn fingerprint(email: &str) -> String {
    Email::parse(email).expect("email").fingerprint()
}
