//! HubSpot API client: Forms submit, CRM reads, Single Send. Knows nothing of
//! the reactor's HTTP handlers or Redis.

mod batch;
mod client;
pub mod crm;
mod error;
mod form_property;
pub mod forms;
mod lenient;
mod profiles;
mod send_verdict;
pub mod transactional;
mod version;
pub mod webhooks_api;

pub use batch::MAX_BATCH_INPUTS;
pub use client::{HubSpotClient, HubSpotEndpoints};
pub use error::{ApiErrorBody, HubSpotError};
pub use profiles::{ContactProfile, ProfileFormSubmission};
pub use version::{ApiVersion, UnknownApiVersion};
