//! The worker: checks signups in batches and sends each signup's verification
//! email once its contact exists with that signup's own form submission on it,
//! exactly once per signup; recorded events only wake the signups they concern.

mod check;
mod consumer;
mod consumer_group;
mod forms_retry;
pub mod forms_retry_plan;
mod gauges;
mod hubspot_call;
mod run_loop;
mod sweep;
mod tasks;
pub(crate) mod telemetry;
mod wake_list;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::backoff::Backoff;
use crate::config::WorkerSettings;
use crate::domain::PortalId;
use crate::hubspot::HubSpotClient;
use crate::store::RedisStore;

pub use check::{BatchReport, CheckOutcome, SignupChecker};
pub use check::{LAUNCH_STATUS_INTERVAL, LAUNCH_STATUS_LIMIT, Reason};
pub use consumer::{ConsumeOutcome, EventConsumer};
pub use consumer_group::CONSUMER_GROUP;
pub use forms_retry::{FormsRetry, RetryOutcome};
pub use forms_retry_plan::RetryReport;
pub use gauges::GaugeReporter;
pub use run_loop::{Step, run_steps, run_steps_waiting, run_steps_woken};
pub use sweep::{SweepReport, Sweeper};
pub use tasks::{BackgroundTask, background_tasks};

/// Counts a dead letter of `source` (for work outside the worker's own steps).
pub fn dead_letter_counted(source: &'static str) {
    telemetry::dead_letter(source);
}

/// The verification email and the form it waits for.
#[derive(Debug, Clone)]
pub struct Verification {
    pub portal_id: PortalId,
    pub form_guid: String,
    pub email_id: u64,
}

/// What every worker task shares.
#[derive(Debug, Clone)]
pub struct WorkerContext {
    pub store: RedisStore,
    pub hubspot: HubSpotClient,
    pub settings: WorkerSettings,
    pub verification: Verification,
    /// This process's name in the consumer group and in claims.
    pub name: String,
    /// TTL of an open signup's record (`SIGNUP_PENDING_TTL`).
    pub pending_ttl: Duration,
    /// `IDEMPOTENCY_LEASE`: a signup whose request has not been accepted by
    /// then never will be (the sweep retires it).
    pub accept_lease: Duration,
    /// Wakes this process's idle checkers when a token comes on the wake
    /// list (a signup became due: an event woke it, its Forms call went
    /// through; in this process or another).
    pub wake: Arc<Notify>,
    /// How the process's HubSpot calls are going (failures in a row,
    /// refused credentials): a failure is the call's, not its signups'.
    pub health: Arc<check::CallHealth>,
    /// `FORMS_RATE_LIMIT`'s window: a launch is Forms retries due within it.
    pub launch_window: Duration,
    /// How many Forms retries due within that window make a launch: more
    /// than half of what the Forms limit lets through in one window (the
    /// Forms API's ceiling, not a retry or two, then sets the pace).
    pub launch_backlog: u64,
}

impl WorkerContext {
    /// Shared context for a process's worker tasks.
    pub fn new(
        store: RedisStore,
        hubspot: HubSpotClient,
        settings: WorkerSettings,
        verification: Verification,
        pending_ttl: Duration,
        accept_lease: Duration,
    ) -> Arc<Self> {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "reactor".to_owned());
        // Nothing refused yet: the gauge shows 0 from the start.
        metrics::gauge!(crate::telemetry::catalog::HUBSPOT_CREDENTIALS_REFUSED).set(0.0);
        let name = format!(
            "{host}-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Arc::new(Self {
            store,
            hubspot,
            settings,
            verification,
            name,
            pending_ttl,
            accept_lease,
            wake: Arc::new(Notify::new()),
            health: Arc::new(check::CallHealth::default()),
            launch_window: Duration::from_secs(10),
            launch_backlog: 25,
        })
    }

    /// The context of `config`'s workers, as `serve` builds it.
    pub fn for_config(
        config: &crate::config::Config,
        store: RedisStore,
        hubspot: HubSpotClient,
    ) -> Arc<Self> {
        let verification = Verification {
            portal_id: config.hubspot.portal_id,
            form_guid: config.hubspot.signup_form_guid.clone(),
            email_id: config.hubspot.verification_email_id,
        };
        let mut ctx = Self::new(
            store,
            hubspot,
            config.worker.clone(),
            verification,
            config.signup.pending_ttl,
            config.signup.idempotency_lease,
        );
        if let Some(ctx) = Arc::get_mut(&mut ctx) {
            ctx.launch_window = config.signup.forms_quota.window;
            ctx.launch_backlog = u64::from(config.signup.forms_quota.max / 2);
        }
        ctx
    }

    /// Retry delays of the background tasks (the sweep, the Forms retries).
    pub fn backoff(&self) -> Backoff {
        Backoff {
            base: self.settings.retry_base_delay,
            max: self.settings.retry_max_delay,
        }
    }
}
