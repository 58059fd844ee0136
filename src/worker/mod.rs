//! The worker: turns recorded events into contact checks, and sends each
//! signup's verification email once the contact exists with the signup form's
//! submission on it, exactly once per contact.

mod check;
mod consumer;
mod gauges;
mod hubspot_call;
mod run_loop;
mod send;
mod sweep;
mod tasks;
mod telemetry;

use std::sync::Arc;

use crate::backoff::Backoff;
use crate::config::WorkerSettings;
use crate::domain::PortalId;
use crate::hubspot::HubSpotClient;
use crate::store::RedisStore;

pub use check::{CheckOutcome, ContactChecker};
pub use consumer::{CONSUMER_GROUP, ConsumeOutcome, EventConsumer};
pub use gauges::GaugeReporter;
pub use run_loop::{Step, run_steps};
pub use sweep::{SweepReport, Sweeper};
pub use tasks::{BackgroundTask, background_tasks};

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
}

impl WorkerContext {
    /// Shared context for a process's worker tasks.
    pub fn new(
        store: RedisStore,
        hubspot: HubSpotClient,
        settings: WorkerSettings,
        verification: Verification,
    ) -> Arc<Self> {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "reactor".to_owned());
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
        })
    }

    /// Retry delays for checks.
    pub fn backoff(&self) -> Backoff {
        Backoff {
            base: self.settings.retry_base_delay,
            max: self.settings.retry_max_delay,
        }
    }
}
