//! Schemas of bodies that no handler type carries: the health answers and the
//! webhook batch HubSpot sends (the receiver reads it as raw JSON on purpose,
//! so that one odd event never sinks its batch). The health handlers build
//! their bodies themselves; the tests hold every answer to these schemas.
#![allow(dead_code)]

use serde::Serialize;
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// `GET /healthz`: the process answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Alive {
    pub status: AliveStatus,
}

/// Always `ok`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AliveStatus {
    Ok,
}

/// `GET /readyz`: whether the reactor can work on Redis.
// `Readiness` in the document; the store's readiness checks keep that name in code.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Readiness)]
pub struct ReadinessBody {
    pub status: ReadyStatus,
    pub redis: RedisState,
}

/// `ready` (200) or `not ready` (503).
#[derive(Debug, Serialize, ToSchema)]
pub enum ReadyStatus {
    #[serde(rename = "ready")]
    Ready,
    #[serde(rename = "not ready")]
    NotReady,
}

/// `ok` (200) or `not usable` (503).
#[derive(Debug, Serialize, ToSchema)]
pub enum RedisState {
    #[serde(rename = "ok")]
    Ok,
    #[serde(rename = "not usable")]
    NotUsable,
}

/// One event of a delivery, as HubSpot sends it (other fields may appear and
/// are kept). Contact events (`contact.creation`, `contact.propertyChange`,
/// `contact.deletion`, and `object.*` with `objectTypeId` `0-1`) are recorded;
/// any other subscription type is accepted and counted only.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    #[schema(example = 1_234_567)]
    pub event_id: Option<u64>,
    pub subscription_id: Option<u64>,
    #[schema(example = 62515)]
    pub portal_id: Option<u64>,
    pub app_id: Option<u64>,
    /// Milliseconds since the epoch.
    pub occurred_at: Option<u64>,
    #[schema(example = "contact.creation")]
    pub subscription_type: Option<String>,
    pub attempt_number: Option<u64>,
    /// The contact's id.
    #[schema(example = 151)]
    pub object_id: Option<u64>,
    /// `0-1` (contacts) in generic `object.*` events.
    pub object_type_id: Option<String>,
    pub property_name: Option<String>,
    pub property_value: Option<String>,
    pub change_source: Option<String>,
    pub change_flag: Option<String>,
    pub source_id: Option<String>,
}

/// The body of a delivery: a JSON array of up to 100 events. Any array is
/// accepted; an element that is not a usable event is counted as malformed
/// and skipped, and the rest of its batch counts.
pub struct WebhookBatch;

impl PartialSchema for WebhookBatch {
    fn schema() -> RefOr<Schema> {
        let item = AnyOfBuilder::new()
            .item(Ref::from_schema_name(WebhookEvent::name()))
            .item(
                ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
                    .description(Some("anything else: counted as malformed, skipped")),
            );
        ArrayBuilder::new()
            .items(RefOr::T(Schema::AnyOf(item.build())))
            .description(Some(
                "A JSON array of events (HubSpot sends up to 100 per request).",
            ))
            .into()
    }
}

impl ToSchema for WebhookBatch {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((WebhookEvent::name().into_owned(), WebhookEvent::schema()));
    }
}
