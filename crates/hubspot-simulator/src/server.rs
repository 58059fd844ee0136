//! Starting and stopping the simulator, and the handle tests and the demo use
//! to steer it and to read what happened.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{ServerHandle, Service};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use anyhow::Context;
use tokio::task::JoinHandle;

use super::config::SimConfig;
use super::errors;
use super::faults::FaultRule;
use super::inspect::{self, Stats};
use super::rate_limit::RateInfo;
use super::requests::RequestsByEndpoint;
use super::shared::Shared;
use super::state::{Contact, DeliveryRecord, EmailRecord, SubmissionRecord, WebhookEvent};
use super::{crm, crm_batch, crm_legacy, forms, transactional, webhooks, webhooks_api};

/// The HubSpot simulator; [`Simulator::start`] runs one.
#[derive(Debug)]
pub struct Simulator;

/// A running simulator: its address, runtime knobs and recorded state.
#[derive(Debug)]
pub struct SimulatorHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: ServerHandle,
    server_task: JoinHandle<std::io::Result<()>>,
    dispatcher: JoinHandle<()>,
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route(
            "/submissions/v3/integration/submit/{portal_id}/{form_guid}",
            web::post().to(forms::submit),
        )
        .route(
            "/submissions/v3/integration/secure/submit/{portal_id}/{form_guid}",
            web::post().to(forms::secure_submit),
        )
        .route(
            "/crm/v3/objects/contacts/batch/read",
            web::post().to(crm_batch::batch_read),
        )
        .route(
            "/crm/objects/{version}/contacts/batch/read",
            web::post().to(crm_batch::batch_read_dated),
        )
        .route(
            "/crm/v3/objects/contacts/{contact_id}",
            web::get().to(crm::get_contact),
        )
        .route(
            "/crm/objects/{version}/contacts/{contact_id}",
            web::get().to(crm::get_contact_dated),
        )
        .route(
            "/contacts/v1/contact/vids/batch/",
            web::get().to(crm_batch::legacy_profile_batch),
        )
        .route(
            "/contacts/v1/contact/vids/batch",
            web::get().to(crm_batch::legacy_profile_batch),
        )
        .route(
            "/contacts/v1/contact/vid/{vid}/profile",
            web::get().to(crm_legacy::legacy_profile),
        )
        .route(
            "/marketing/v3/transactional/single-email/send",
            web::post().to(transactional::send),
        )
        .route(
            "/marketing/transactional/{version}/single-email/send",
            web::post().to(transactional::send_dated),
        )
        .route(
            "/marketing/v3/email/send-statuses/{status_id}",
            web::get().to(transactional::status),
        )
        .configure(webhooks_api::routes)
        .configure(inspect::routes);
}

async fn not_found() -> HttpResponse {
    errors::standard(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "Resource not found",
        None,
    )
}

impl Simulator {
    /// Binds `config.listen` (port 0 picks one), serves every simulated API
    /// and the inspection API on it, and starts webhook delivery.
    pub async fn start(config: SimConfig) -> anyhow::Result<SimulatorHandle> {
        let listener = TcpListener::bind(config.listen)
            .with_context(|| format!("binding the simulator to {}", config.listen))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let shared = Shared::new(config)?;
        let data = web::Data::from(Arc::clone(&shared));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(8 * 1024 * 1024))
                .app_data(web::JsonConfig::default().limit(1024 * 1024))
                .wrap_fn(|request, service| {
                    let call = service.call(request);
                    async move {
                        let mut response = call.await?;
                        let info = response.request().extensions().get::<RateInfo>().copied();
                        if let Some(info) = info {
                            for (name, value) in errors::rate_header_pairs(&info) {
                                if let (Ok(name), Ok(value)) = (
                                    HeaderName::from_bytes(name.as_bytes()),
                                    HeaderValue::from_str(&value),
                                ) {
                                    response.headers_mut().insert(name, value);
                                }
                            }
                        }
                        Ok(response)
                    }
                })
                .configure(routes)
                .default_service(web::to(not_found))
        })
        .workers(2)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)
        .context("starting the simulator's HTTP server")?
        .run();
        let server_handle = server.handle();
        let server_task = tokio::spawn(server);
        let dispatcher = tokio::spawn(webhooks::run_dispatcher(Arc::clone(&shared)));
        tracing::info!(%addr, "HubSpot simulator listening");
        Ok(SimulatorHandle {
            shared,
            addr,
            server: server_handle,
            server_task,
            dispatcher,
        })
    }
}

impl SimulatorHandle {
    /// `http://127.0.0.1:PORT`: the base of every API (Forms and CRM alike).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// Changes where webhooks go (`None`: stop delivering).
    pub fn set_webhook_target(&self, url: Option<String>) {
        self.shared.lock().target_url = url;
    }

    /// Where webhooks go now.
    pub fn webhook_target(&self) -> Option<String> {
        self.shared.lock().target_url.clone()
    }

    /// Replaces the fault rules (windows start now).
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        let rules = self.shared.install_faults(rules);
        self.shared.lock().faults = rules;
    }

    /// Adds a fault rule after the existing ones (its window starts now).
    pub fn add_fault(&self, rule: FaultRule) {
        let rules = self.shared.install_faults(vec![rule]);
        self.shared.lock().faults.extend(rules);
    }

    /// The seed of this run's random choices (chosen at start when the
    /// configuration gave none): the same seed and configuration replay them.
    pub fn seed(&self) -> u64 {
        self.shared.config.rng_seed.unwrap_or_default()
    }

    /// Every request received so far, by endpoint.
    pub fn requests(&self) -> RequestsByEndpoint {
        self.shared.lock().requests.clone()
    }

    /// The fault rules still active.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.shared.lock().faults.clone()
    }

    /// Every contact, including those not yet visible to CRM reads.
    pub fn contacts(&self) -> Vec<Contact> {
        self.shared.lock().contacts.values().cloned().collect()
    }

    /// The contact with this email (case-insensitive), visible or not.
    pub fn contact_by_email(&self, email: &str) -> Option<Contact> {
        let email = email.trim().to_lowercase();
        let state = self.shared.lock();
        let id = state.by_email.get(&email)?;
        state.contacts.get(id).cloned()
    }

    /// Every accepted form submission.
    pub fn submissions(&self) -> Vec<SubmissionRecord> {
        self.shared.lock().submissions.clone()
    }

    /// Every Single Send request (`sent` tells whether an email went out).
    pub fn emails(&self) -> Vec<EmailRecord> {
        self.shared.lock().emails.clone()
    }

    /// Every webhook event generated, as first delivered (attempt 0).
    pub fn events(&self) -> Vec<WebhookEvent> {
        self.shared.lock().events.clone()
    }

    /// Ids of events deliberately held back to arrive out of order.
    pub fn held_back_events(&self) -> Vec<u64> {
        self.shared.lock().held_back.clone()
    }

    /// Every webhook request made, with its outcome.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.lock().deliveries.clone()
    }

    /// Counters over everything above.
    pub fn stats(&self) -> Stats {
        inspect::stats(&self.shared)
    }

    /// Waits until no processing, dispatch, delivery or retry is pending;
    /// false if `timeout` passed first. Pending retries count, so with long
    /// retry delays this waits for them.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.shared.pending_work() == 0 {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops serving, cancels background work and waits for both.
    pub async fn stop(self) {
        self.shared.cancel.cancel();
        self.server.stop(true).await;
        if let Err(error) = self.server_task.await {
            tracing::warn!(%error, "simulator server task ended abnormally");
        }
        if let Err(error) = self.dispatcher.await {
            tracing::warn!(%error, "webhook dispatcher ended abnormally");
        }
    }
}
