//! The HubSpot simulator over real HTTP: its fidelity to HubSpot's documented
//! behaviour and to the HubSpot schemas (the project's own in `schemas/`, and
//! HubSpot's official OpenAPI specs when `HUBSPOT_OPENAPI_DIR` is set).

mod auth_limits;
mod batch;
mod conformance;
mod crm;
mod dev_api;
mod forms;
mod inspect;
mod race;
mod readable;
mod receiver;
mod refused;
mod schemas;
mod send_failures;
mod signatures;
mod support;
mod transactional;
mod unkind;
mod webhook_delivery;
mod webhook_retries;
mod webhooks_api;
