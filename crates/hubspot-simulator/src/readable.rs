//! When a contact becomes readable: after the configured visibility lag, or,
//! when deliveries are forced to come first, only once its first webhook
//! delivery has been made (then after a further lag). Records, for each form
//! submission, the moment its contact became readable with it.

use super::state::State;

/// Epoch ms standing for "not readable until its first delivery".
pub const HIDDEN: u64 = u64::MAX;

/// After a form submission was applied to `contact_id` at `now`: hides a
/// contact it just created until its first delivery (`reveal_lag_ms`, when
/// deliveries must come first and events were raised), and records the
/// submission's `readable_at` when its contact is readable already or at a
/// known moment.
pub fn after_form(
    state: &mut State,
    conversion_id: &str,
    contact_id: u64,
    now: u64,
    reveal_lag_ms: Option<u64>,
    raised_events: bool,
) {
    if let (Some(lag), Some(contact)) = (reveal_lag_ms, state.contacts.get_mut(&contact_id)) {
        let hidden_new = contact.visible_at == HIDDEN;
        if hidden_new && !state.reveal_after_delivery.contains_key(&contact_id) {
            if raised_events {
                state.reveal_after_delivery.insert(contact_id, lag);
            } else {
                // Nothing to deliver: the contact shows after the lag alone.
                contact.visible_at = now.saturating_add(lag);
            }
        }
    }
    let visible_at = state
        .contacts
        .get(&contact_id)
        .map_or(HIDDEN, |contact| contact.visible_at);
    if let Some(record) = state
        .submissions
        .iter_mut()
        .find(|s| s.conversion_id == conversion_id)
        && visible_at != HIDDEN
    {
        record.readable_at = Some(visible_at.max(now));
    }
}

/// After a webhook request naming `contact_ids` ended (whatever its outcome)
/// at `now`: each hidden contact among them becomes readable after its lag,
/// and so do the form submissions that landed on it.
pub fn after_delivery(state: &mut State, contact_ids: &[u64], now: u64) {
    for id in contact_ids {
        let Some(lag) = state.reveal_after_delivery.remove(id) else {
            continue;
        };
        let visible_at = now.saturating_add(lag);
        if let Some(contact) = state.contacts.get_mut(id) {
            contact.visible_at = visible_at;
        }
        for record in state.submissions.iter_mut() {
            if record.contact_id == Some(*id) && record.readable_at.is_none() {
                let processed = record.processed_at.unwrap_or(visible_at);
                record.readable_at = Some(visible_at.max(processed));
            }
        }
    }
}
