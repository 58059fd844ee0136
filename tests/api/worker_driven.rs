//! A receiver alone (no worker) on the simulator, whose worker steps the
//! tests drive one at a time.

use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{DEFAULT_FORM_GUID, Simulator, SimulatorHandle};
use serde_json::json;
use signup_reactor::domain::{Email, SignupRecord, SignupStatus};
use signup_reactor::hubspot::HubSpotClient;
use signup_reactor::startup::Role;
use signup_reactor::store::RedisStore;
use signup_reactor::worker::{ConsumeOutcome, EventConsumer, Verification, WorkerContext};

use crate::support::app::{PORTAL_ID, TestApp};
use crate::support::redis_server::TestRedis;
use crate::support::stack::{eventually, sim_config, wire};

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
    let sim = Simulator::start(sim_config()).await.expect("simulator");
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
    let ctx = WorkerContext::new(
        store.clone(),
        hubspot,
        config.worker.clone(),
        Verification {
            portal_id: config.hubspot.portal_id,
            form_guid: config.hubspot.signup_form_guid.clone(),
            email_id: config.hubspot.verification_email_id,
        },
        config.signup.pending_ttl,
    );
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
        let url = format!(
            "{}/submissions/v3/integration/submit/{PORTAL_ID}/{DEFAULT_FORM_GUID}",
            self.sim.base_url()
        );
        let body = json!({"fields": [{"objectTypeId": "0-1", "name": "email", "value": email}]});
        let response = self
            .app
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .expect("submit");
        assert_eq!(response.status(), 200);
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
