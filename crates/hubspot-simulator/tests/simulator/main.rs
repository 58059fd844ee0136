//! The HubSpot simulator over real HTTP: its fidelity to HubSpot's documented
//! behaviour and to the official OpenAPI schemas.

mod auth_limits;
mod batch;
mod crm;
mod forms;
mod inspect;
mod race;
mod signatures;
mod support;
mod transactional;
mod webhook_delivery;
mod webhooks_api;
