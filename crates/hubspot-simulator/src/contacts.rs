//! How contacts come to be and change: by a processed form submission or by a
//! Single Send to an unknown address (which, as in HubSpot, creates the contact
//! with Original Source `OFFLINE` / `API`). Each change yields the webhook
//! events the app's subscriptions ask for.

use std::collections::BTreeMap;

use super::clock::{iso, now_ms};
use super::config::{FormDefinition, SimConfig};
use super::contact_events::events_for;
use super::state::{
    Contact, ContactFormSubmission, CreatedBy, PropertyVersion, State, WebhookEvent,
};

/// Where a property write comes from (`source-type` and friends in history).
#[derive(Debug, Clone)]
pub struct WriteSource {
    /// `source-type`: `FORM`, `API`, `ANALYTICS`, `CALCULATED` ...
    pub source_type: &'static str,
    /// `source-id`, if any.
    pub source_id: Option<String>,
    /// `source-label`, if any.
    pub source_label: Option<String>,
}

impl WriteSource {
    fn of(source_type: &'static str, source_id: Option<&str>) -> Self {
        Self {
            source_type,
            source_id: source_id.map(str::to_owned),
            source_label: None,
        }
    }
}

/// A form submission ready to be applied to the CRM.
#[derive(Debug, Clone)]
pub struct FormApplication {
    pub form: FormDefinition,
    pub conversion_id: String,
    pub email: Option<String>,
    pub fields: Vec<(String, String)>,
    pub hutk: Option<String>,
    pub page_uri: Option<String>,
    pub page_name: Option<String>,
    pub submitted_at: u64,
}

/// Sets a property, keeping history; true when the value changed.
pub fn set_property(
    contact: &mut Contact,
    name: &str,
    value: &str,
    source: &WriteSource,
    at: u64,
) -> bool {
    let changed = contact.property(name) != Some(value);
    if changed {
        let history = contact.properties.entry(name.to_owned()).or_default();
        history.insert(
            0,
            PropertyVersion {
                value: value.to_owned(),
                source_type: source.source_type.to_owned(),
                source_id: source.source_id.clone(),
                source_label: source.source_label.clone(),
                timestamp: at,
            },
        );
        contact.updated_at = at;
    }
    changed
}

fn new_contact(
    state: &mut State,
    email: &str,
    created_by: CreatedBy,
    at: u64,
    visible_at: u64,
) -> u64 {
    let id = state.next_contact_id;
    state.next_contact_id += 1;
    let mut contact = Contact {
        id,
        email: Some(email.to_owned()),
        created_by,
        created_at: at,
        updated_at: at,
        visible_at,
        properties: BTreeMap::new(),
        form_submissions: Vec::new(),
    };
    let calculated = WriteSource::of("CALCULATED", None);
    set_property(
        &mut contact,
        "hs_object_id",
        &id.to_string(),
        &calculated,
        at,
    );
    set_property(&mut contact, "createdate", &iso(at), &calculated, at);
    state.contacts.insert(id, contact);
    state.by_email.insert(email.to_owned(), id);
    id
}

/// Applies a processed form submission: creates or updates the contact.
/// An existing contact keeps its Original Source. Returns the contact id and
/// the events to deliver, or `None` when the submission carried no email.
pub fn apply_form(
    config: &SimConfig,
    state: &mut State,
    form: &FormApplication,
    visible_at: u64,
) -> Option<(u64, Vec<WebhookEvent>)> {
    let email = form.email.as_deref()?;
    let now = now_ms();
    let existing = state.by_email.get(email).copied();
    let created = existing.is_none();
    let id =
        existing.unwrap_or_else(|| new_contact(state, email, CreatedBy::Form, now, visible_at));
    let contact = state.contacts.get_mut(&id)?;
    let guid = form.form.guid.as_str();
    let source = WriteSource {
        source_type: "FORM",
        source_id: Some(guid.to_owned()),
        source_label: Some(form.form.name.clone()),
    };
    let mut changed = Vec::new();
    let mut write = |contact: &mut Contact, name: &str, value: &str, source: &WriteSource| {
        if set_property(contact, name, value, source, now) {
            changed.push((name.to_owned(), value.to_owned()));
        }
    };
    write(contact, "email", email, &source);
    for (name, value) in &form.fields {
        if name != "email" {
            write(contact, name, value, &source);
        }
    }
    if created {
        let analytics = WriteSource::of("ANALYTICS", None);
        let (original, drill_1) = match &form.hutk {
            Some(hutk) => (
                config
                    .hutk_sources
                    .get(hutk)
                    .cloned()
                    .unwrap_or_else(|| config.default_visit_source.clone()),
                form.page_uri.clone().unwrap_or_default(),
            ),
            None => ("OFFLINE".to_owned(), "FORM".to_owned()),
        };
        write(contact, "hs_analytics_source", &original, &analytics);
        write(contact, "hs_analytics_source_data_1", &drill_1, &analytics);
        write(contact, "hs_analytics_source_data_2", guid, &analytics);
        let calculated = WriteSource::of("CALCULATED", Some(guid));
        write(contact, "hs_object_source", "FORM", &calculated);
        write(contact, "hs_object_source_id", guid, &calculated);
        write(contact, "hs_object_source_label", "FORM", &calculated);
        write(contact, "lifecyclestage", "lead", &source);
    }
    touch_modified(contact, now);
    contact.form_submissions.insert(
        0,
        ContactFormSubmission {
            conversion_id: form.conversion_id.clone(),
            form_id: guid.to_owned(),
            portal_id: config.portal_id,
            timestamp: form.submitted_at,
            page_url: form.page_uri.clone(),
            title: form
                .page_name
                .clone()
                .unwrap_or_else(|| form.form.name.clone()),
        },
    );
    let events = events_for(
        config,
        state,
        id,
        created,
        &changed,
        "FORM",
        Some(guid),
        now,
    );
    Some((id, events))
}

/// What a Single Send did to the CRM.
#[derive(Debug)]
pub struct SendEffect {
    pub contact_id: u64,
    pub existed: bool,
    pub visible: bool,
    pub created: bool,
    pub events: Vec<WebhookEvent>,
}

/// Applies a Single Send's CRM side effects: creates the contact when none
/// exists (Original Source `OFFLINE`, drill-down `API`), and writes
/// `contactProperties` onto it.
pub fn apply_single_send(
    config: &SimConfig,
    state: &mut State,
    email: &str,
    contact_properties: &BTreeMap<String, String>,
    visible_at: u64,
) -> Option<SendEffect> {
    let now = now_ms();
    let existing = state.by_email.get(email).copied();
    let visible = existing
        .and_then(|id| state.contacts.get(&id))
        .is_some_and(|contact| contact.visible(now));
    let id = existing
        .unwrap_or_else(|| new_contact(state, email, CreatedBy::SingleSend, now, visible_at));
    let created = existing.is_none();
    let contact = state.contacts.get_mut(&id)?;
    let api = WriteSource::of("API", Some("transactional-email"));
    let mut changed = Vec::new();
    let mut write = |contact: &mut Contact, name: &str, value: &str, source: &WriteSource| {
        if set_property(contact, name, value, source, now) {
            changed.push((name.to_owned(), value.to_owned()));
        }
    };
    write(contact, "email", email, &api);
    if created {
        let analytics = WriteSource::of("ANALYTICS", None);
        write(contact, "hs_analytics_source", "OFFLINE", &analytics);
        write(contact, "hs_analytics_source_data_1", "API", &analytics);
        write(
            contact,
            "hs_analytics_source_data_2",
            "contacts-upsert",
            &analytics,
        );
        let calculated = WriteSource::of("CALCULATED", None);
        write(contact, "hs_object_source", "API", &calculated);
        write(contact, "hs_object_source_label", "API", &calculated);
        write(contact, "lifecyclestage", "subscriber", &api);
    }
    for (name, value) in contact_properties {
        write(contact, name, value, &api);
    }
    touch_modified(contact, now);
    let events = events_for(config, state, id, created, &changed, "API", None, now);
    Some(SendEffect {
        contact_id: id,
        existed: !created,
        visible,
        created,
        events,
    })
}

/// Sets `lastmodifieddate`, as HubSpot does on every write to a contact.
fn touch_modified(contact: &mut Contact, now: u64) {
    set_property(
        contact,
        "lastmodifieddate",
        &iso(now),
        &WriteSource::of("CALCULATED", None),
        now,
    );
}
