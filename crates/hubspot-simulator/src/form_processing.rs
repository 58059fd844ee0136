//! A form submission's asynchronous processing: it creates or updates the
//! contact after a random delay (the eventual consistency the reactor must
//! live with), then raises the webhook events the change asks for.

use std::sync::Arc;

use super::clock::now_ms;
use super::contacts::{self, FormApplication};
use super::readable;
use super::shared::Shared;
use super::webhooks;

/// Applies the submission to the CRM after the processing delay.
pub(super) fn schedule_processing(shared: Arc<Shared>, application: FormApplication) {
    let work = shared.work();
    let runtime = shared.runtime.clone();
    runtime.spawn(async move {
        let _work = work;
        let delay = shared.draw_delay(shared.config.processing_delay);
        if !shared.sleep(delay).await {
            return;
        }
        let lag = shared.draw_delay(shared.config.visibility_lag);
        let mut visible_at = now_ms() + u64::try_from(lag.as_millis()).unwrap_or(0);
        let reveal_lag = shared.config.read_lag_after_delivery.map(|range| {
            visible_at = readable::HIDDEN;
            u64::try_from(shared.draw_delay(range).as_millis()).unwrap_or(0)
        });
        let events = {
            let mut state = shared.lock();
            let applied =
                contacts::apply_form(&shared.config, &mut state, &application, visible_at);
            let now = now_ms();
            if let Some(record) = state
                .submissions
                .iter_mut()
                .find(|s| s.conversion_id == application.conversion_id)
            {
                record.processed_at = Some(now);
                record.contact_id = applied.as_ref().map(|(id, _)| *id);
            }
            if let Some((id, events)) = &applied {
                let raised = !events.is_empty();
                let conversion = &application.conversion_id;
                readable::after_form(&mut state, conversion, *id, now, reveal_lag, raised);
            }
            applied.map(|(_, events)| events).unwrap_or_default()
        };
        webhooks::enqueue(&shared, events);
    });
}
