//! The HubSpot webhook receiver: signature checks, event parsing and the handler.

mod error;
pub mod handler;
pub mod payload;
pub mod response;
pub mod signature;
mod signed_url;
mod state;
pub(crate) mod telemetry;
mod verification;

pub use error::WebhookError;
pub use signed_url::signed_url;
pub use state::WebhookState;
