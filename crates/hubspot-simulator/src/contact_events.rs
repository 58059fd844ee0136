//! The webhook events a change to a contact raises: one per active
//! subscription that asks for it, named in the configured style.

use super::config::SimConfig;
use super::state::{State, WebhookEvent};

/// A subscription id, its event type and the property change it reports.
type WantedEvent = (u64, &'static str, Option<(String, String)>);

/// The events the active subscriptions want for a change, recorded in state.
#[allow(clippy::too_many_arguments)]
pub fn events_for(
    config: &SimConfig,
    state: &mut State,
    contact_id: u64,
    created: bool,
    changed: &[(String, String)],
    change_source: &str,
    source_id: Option<&str>,
    at: u64,
) -> Vec<WebhookEvent> {
    let mut wanted: Vec<WantedEvent> = Vec::new();
    for subscription in state.subscriptions.iter().filter(|s| s.active) {
        match (
            subscription.event_type.as_str(),
            &subscription.property_name,
        ) {
            ("contact.creation", _) if created => {
                wanted.push((subscription.id, "contact.creation", None));
            }
            ("contact.propertyChange", _)
                if created && !config.webhooks.property_events_at_creation => {}
            ("contact.propertyChange", Some(property)) => {
                if let Some((name, value)) = changed.iter().find(|(name, _)| name == property) {
                    let change = (name.clone(), value.clone());
                    wanted.push((subscription.id, "contact.propertyChange", Some(change)));
                }
            }
            _ => {}
        }
    }
    let generic = config.webhooks.style.generic_for(contact_id);
    let mut events = Vec::with_capacity(wanted.len());
    for (subscription_id, kind, change) in wanted {
        let (subscription_type, object_type_id) = match (generic, kind) {
            (true, "contact.creation") => ("object.creation", Some("0-1".to_owned())),
            (true, "contact.propertyChange") => ("object.propertyChange", Some("0-1".to_owned())),
            _ => (kind, None),
        };
        let event_id = state.next_event_id;
        state.next_event_id += 1;
        let (property_name, property_value) = change.unzip();
        events.push(WebhookEvent {
            event_id,
            subscription_id,
            portal_id: config.portal_id,
            app_id: u64::from(config.app_id),
            occurred_at: at,
            subscription_type: subscription_type.to_owned(),
            object_type_id,
            attempt_number: 0,
            object_id: contact_id,
            change_source: change_source.to_owned(),
            change_flag: (kind == "contact.creation").then(|| "NEW".to_owned()),
            source_id: source_id.map(str::to_owned),
            property_name,
            property_value,
        });
    }
    state.events.extend(events.iter().cloned());
    events
}
