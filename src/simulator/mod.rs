//! The HubSpot simulator: HubSpot's Forms, CRM, Single Send and Webhooks APIs as
//! the reactor meets them, for tests and the demo. The reactor never imports it.
//!
//! Faithful where it matters to the reactor: forms are processed after a random
//! delay, a Single Send to an unknown address creates the contact with Original
//! Source `OFFLINE` / `API`, and webhooks are signed, batched, retried,
//! duplicated and reordered as HubSpot does. Every delay is scaled by
//! [`SimConfig::time_scale`].

mod cli;
mod clock;
mod config;
mod contacts;
mod crm;
mod crm_batch;
mod errors;
mod faults;
mod forms;
mod gate;
mod inspect;
mod rate_limit;
mod server;
mod shared;
mod state;
mod transactional;
mod webhooks;
mod webhooks_api;

pub use cli::{SimulateArgs, run};
pub use config::{
    DEFAULT_FORM_GUID, DelayRange, FieldKind, FormDefinition, FormField, RateLimit, RateLimits,
    SimConfig, WebhookConfig,
};
pub use faults::{Endpoint, FaultKind, FaultRule};
pub use inspect::{Stats, TargetBody};
pub use server::{Simulator, SimulatorHandle};
pub use state::{
    Contact, ContactFormSubmission, CreatedBy, DeliveryOutcome, DeliveryRecord, EmailRecord,
    PropertyVersion, SubmissionRecord, Subscription, WebhookEvent,
};
