//! A HubSpot simulator: HubSpot's Forms, CRM, Single Send and Webhooks APIs as
//! an integration meets them, for tests and demos that must not reach HubSpot.
//!
//! Faithful where it matters to such an integration: forms are processed after a random
//! delay, a Single Send to an unknown address creates the contact with Original
//! Source `OFFLINE` / `API`, and webhooks are signed, batched, retried,
//! duplicated and reordered as HubSpot does. Every delay is scaled by
//! [`SimConfig::time_scale`].
#![forbid(unsafe_code)]

mod cli;
mod clock;
mod config;
mod contact_events;
mod contacts;
mod crm;
mod crm_batch;
mod crm_legacy;
mod delay_range;
mod edits;
mod email;
mod errors;
mod event_style;
mod faults;
mod form_definition;
mod form_processing;
mod forms;
mod gate;
mod inspect;
mod limits;
mod profile;
mod rate_limit;
mod readable;
mod requests;
mod send_failures;
mod server;
mod shared;
mod state;
mod transactional;
mod webhook_config;
mod webhooks;
mod webhooks_api;

pub use cli::{SimulateArgs, run};
pub use config::{
    DEFAULT_FORM_GUID, DelayRange, EventStyle, FieldKind, FormDefinition, FormField, RateLimit,
    RateLimits, SimConfig, WebhookConfig,
};
pub use faults::{Endpoint, FaultKind, FaultRule, Window};
pub use inspect::{Stats, TargetBody};
pub use profile::Profile;
pub use requests::{RequestCounts, RequestsByEndpoint};
pub use send_failures::SendFailures;
pub use server::{Simulator, SimulatorHandle};
pub use state::{
    Contact, ContactFormSubmission, CreatedBy, DeliveryOutcome, DeliveryRecord, EmailRecord,
    PropertyVersion, SubmissionRecord, Subscription, WebhookEvent,
};
