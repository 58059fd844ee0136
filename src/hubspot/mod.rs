//! HubSpot API client: Forms submit, CRM reads, Single Send. Knows nothing of
//! the reactor's HTTP handlers or Redis.

mod client;
pub mod crm;
mod error;
pub mod forms;
pub mod transactional;
pub mod webhooks_api;

pub use client::{HubSpotClient, HubSpotEndpoints};
pub use error::{ApiErrorBody, HubSpotError};
