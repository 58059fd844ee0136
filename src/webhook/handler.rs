//! `POST /webhooks/hubspot`: verify, deduplicate, record, answer. Nothing else
//! happens here; the worker acts on what was recorded.

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};

use super::error::WebhookError;
use super::payload::{ParsedEvent, parse_batch};
use super::state::WebhookState;
use super::telemetry as webhook_metrics;
use super::verification::verify;
use crate::domain::{ContactEvent, PortalId};
use crate::http::body::read_limited;
use crate::store::RecordOutcome;

/// Receives one HubSpot delivery (a batch of events).
#[tracing::instrument(
    name = "webhook",
    skip_all,
    fields(events, recorded, duplicates, signature)
)]
pub async fn receive(
    req: HttpRequest,
    payload: Payload,
    state: Data<WebhookState>,
) -> Result<HttpResponse, WebhookError> {
    let result = accept(&req, payload, &state).await;
    if let Err(error) = &result {
        webhook_metrics::rejected(error.reason());
        match error {
            WebhookError::Store(_) => tracing::error!(error = ?error, "webhook batch not recorded"),
            _ => tracing::warn!(error = %error, "webhook delivery rejected"),
        }
    }
    result
}

async fn accept(
    req: &HttpRequest,
    payload: Payload,
    state: &WebhookState,
) -> Result<HttpResponse, WebhookError> {
    let body = read_limited(
        req,
        payload,
        state.settings.max_body_bytes,
        state.body_deadline,
    )
    .await?;
    let verified = verify(req, body, state)?;
    tracing::Span::current().record("signature", verified.version().as_str());
    let events = parse_batch(&verified)?;
    tracing::Span::current().record("events", events.len());
    let to_record = select_recordable(events, state.portal_id);
    let outcomes = state
        .store
        .events()
        .record_events(&to_record, state.settings.dedupe_window)
        .await?;
    let recorded = outcomes
        .iter()
        .filter(|o| matches!(o, RecordOutcome::Recorded(_)))
        .count();
    let duplicates = outcomes.len() - recorded;
    webhook_metrics::recorded(recorded, duplicates);
    tracing::Span::current().record("recorded", recorded);
    tracing::Span::current().record("duplicates", duplicates);
    for (event, outcome) in to_record.iter().zip(&outcomes) {
        if let RecordOutcome::Recorded(entry) = outcome {
            tracing::debug!(
                contact_id = %event.contact_id,
                subscription_type = %event.subscription_type,
                attempt = event.attempt_number,
                stream_entry = %entry,
                "event recorded"
            );
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Keeps the contact events of our portal; counts everything else as ignored
/// or malformed (a malformed event is skipped: the rest of its batch counts).
fn select_recordable(events: Vec<ParsedEvent>, portal_id: PortalId) -> Vec<ContactEvent> {
    let mut selected = Vec::with_capacity(events.len());
    for event in events {
        match event {
            ParsedEvent::Contact { event, style } => {
                webhook_metrics::received(style.type_name(event.kind), style);
                if event.portal_id == portal_id {
                    selected.push(event);
                } else {
                    webhook_metrics::ignored("other_portal");
                }
            }
            ParsedEvent::Unsupported {
                subscription_type,
                style,
                reason,
            } => {
                webhook_metrics::received(&subscription_type, style);
                webhook_metrics::ignored(reason);
            }
            ParsedEvent::Malformed { index, reason } => {
                webhook_metrics::malformed(reason.as_str());
                tracing::warn!(index, reason = reason.as_str(), "malformed event skipped");
            }
        }
    }
    selected
}
