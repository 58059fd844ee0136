//! What the webhook handler works with, shared by the handler and the
//! signature check it runs.

use secrecy::SecretString;

use crate::config::WebhookReceiverSettings;
use crate::domain::PortalId;
use crate::store::RedisStore;

/// What the webhook handler needs, shared by all workers of the server.
pub struct WebhookState {
    pub client_secret: SecretString,
    pub portal_id: PortalId,
    pub settings: WebhookReceiverSettings,
    pub store: RedisStore,
    /// Deadline for reading a delivery's body (`HTTP_READ_TIMEOUT`).
    pub body_deadline: std::time::Duration,
}
