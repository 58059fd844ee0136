//! A receiver alone (no worker) on the simulator, whose worker steps the
//! tests drive one at a time.

use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{SimConfig, Simulator, SimulatorHandle};
use signup_reactor::config::Config;
use signup_reactor::domain::{ContactId, Email, SignupRecord, SignupStatus};
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::startup::Role;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{
    BatchReport, CheckOutcome, ConsumeOutcome, EventConsumer, SignupChecker, WorkerContext,
};

use super::app::TestApp;
use super::records::{signup_record, stored_record};
use super::redis_server::TestRedis;
use super::stack::{eventually, post_form_entry, sim_config, wire};

/// A receiver alone (no worker) on the simulator; the test drives the worker's steps.
pub struct Driven {
    pub sim: SimulatorHandle,
    pub app: TestApp,
    pub ctx: Arc<WorkerContext>,
    pub store: RedisStore,
}

/// [`Driven`] with the test configuration.
pub async fn driven() -> Driven {
    driven_with(|_| {}).await
}

/// [`driven`], after `adjust` edits the configuration.
pub async fn driven_with(adjust: impl FnOnce(&mut Config)) -> Driven {
    driven_on(sim_config(), adjust).await
}

/// [`driven_with`], on a simulator with this configuration.
pub async fn driven_on(sim_config: SimConfig, adjust: impl FnOnce(&mut Config)) -> Driven {
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

/// A simulator that announces a new contact by `contact.creation` alone, as
/// HubSpot may (no `email` change is promised at creation).
pub async fn creation_only() -> Driven {
    let mut sim = sim_config();
    sim.webhooks.property_events_at_creation = false;
    driven_on(sim, |_| {}).await
}

impl Driven {
    /// A submitted signup that never went through the Forms API.
    pub async fn record_only(&self, email: &str) -> SignupRecord {
        let mut record = signup_record(email, signup_reactor::clock::now_ms());
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

    /// Stores `record` as it is now (for an hour).
    pub async fn save(&self, record: &SignupRecord) {
        self.store
            .signups()
            .save(record, Duration::from_secs(3600))
            .await
            .expect("save");
    }

    /// An event named `contact` with `email`'s address: it wakes the
    /// address's signup, or leaves a hint when the signup is due already.
    pub async fn name_contact(&self, contact: u64, email: &str) {
        self.store
            .checks()
            .wake(
                ContactId::new(contact).expect("id"),
                Some(&Email::parse(email).expect("email").fingerprint()),
                false,
                Duration::from_secs(1),
                Duration::from_secs(3600),
            )
            .await
            .expect("wake");
    }

    /// When signup `id`'s next check is due (ms), which must be queued.
    pub async fn due_at(&self, id: &str) -> u64 {
        self.store
            .checks()
            .due_at(id)
            .await
            .expect("due")
            .expect("queued")
    }

    /// The stored record of signup `id`.
    pub async fn record(&self, id: &str) -> SignupRecord {
        stored_record(&self.store, id).await
    }

    /// Makes signup `id` due for its check now.
    pub async fn make_due(&self, id: &str) {
        let record = self.record(id).await;
        self.store
            .signups()
            .submitted(&record, Duration::from_secs(3600), Duration::ZERO)
            .await
            .expect("due");
    }

    /// A checker of the app's worker context, as the worker runs it.
    pub fn checker(&self) -> SignupChecker {
        SignupChecker::new(self.ctx.clone())
    }

    /// The addresses HubSpot was asked to email, in order.
    pub fn emails_requested(&self) -> Vec<String> {
        self.sim.emails().into_iter().map(|e| e.to).collect()
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

/// One check step, which must have claimed a batch.
pub async fn batch(checker: &SignupChecker) -> BatchReport {
    match checker.process_next().await.expect("check") {
        CheckOutcome::Batch(report) => report,
        idle => panic!("nothing was due: {idle:?}"),
    }
}
