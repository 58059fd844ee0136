//! App webhook delivery as HubSpot does it: signed (v1 and v3) batches of up
//! to 100 events, a bounded number of requests in flight, retries of any
//! non-2xx or slow answer with growing delays and a rising `attemptNumber`,
//! and, at configured rates, duplicates and out-of-order deliveries.

use std::sync::Arc;
use std::time::Duration;

use super::clock::now_ms;
use super::readable;
use super::shared::{Shared, WorkGuard};
use super::state::{DeliveryOutcome, DeliveryRecord, WebhookEvent};
use hubspot_signature::{
    HEADER_LEGACY, HEADER_TIMESTAMP, HEADER_V3, HEADER_VERSION, sign_v1, sign_v3,
};

/// How long the dispatcher waits for more events to fill a batch.
const COALESCE: Duration = Duration::from_millis(5);

/// Schedules events for delivery after their dispatch delay. Some are held
/// back further (at the reorder probability) so that they arrive late.
pub fn enqueue(shared: &Arc<Shared>, events: Vec<WebhookEvent>) {
    let hooks = &shared.config.webhooks;
    for event in events {
        let mut delay = shared.draw_delay(hooks.dispatch_delay);
        if shared.chance(hooks.reorder_probability) {
            delay += shared.config.scaled_ms(hooks.reorder_delay_ms);
            shared.lock().held_back.push(event.event_id);
        }
        let work = shared.work();
        let task_shared = Arc::clone(shared);
        shared.runtime.spawn(async move {
            let _work = work;
            if task_shared.sleep(delay).await {
                task_shared.lock().ready.push(event);
                task_shared.notify.notify_one();
            }
        });
    }
}

/// Batches ready events and starts their deliveries, until shutdown.
pub async fn run_dispatcher(shared: Arc<Shared>) {
    loop {
        tokio::select! {
            () = shared.notify.notified() => {}
            () = shared.cancel.cancelled() => return,
        }
        let round = shared.work();
        if !shared.sleep(COALESCE).await {
            return;
        }
        let ready = std::mem::take(&mut shared.lock().ready);
        let size = shared.config.webhooks.max_batch_size.clamp(1, 100);
        for chunk in ready.chunks(size) {
            let batch_id = {
                let mut state = shared.lock();
                state.next_batch_id += 1;
                state.next_batch_id - 1
            };
            let work = shared.work();
            let task_shared = Arc::clone(&shared);
            let events = chunk.to_vec();
            shared
                .runtime
                .spawn(deliver(task_shared, batch_id, events, work));
        }
        drop(round);
    }
}

/// Delivers one batch, retrying on failure, maybe duplicating on success.
async fn deliver(shared: Arc<Shared>, batch_id: u64, events: Vec<WebhookEvent>, work: WorkGuard) {
    let _work = work;
    let hooks = &shared.config.webhooks;
    let retries = hooks.retry_delays_ms.len();
    for attempt in 0..=retries {
        let attempt_number = u32::try_from(attempt).unwrap_or(u32::MAX);
        match send_once(&shared, batch_id, &events, attempt_number, false).await {
            DeliveryOutcome::Delivered => {
                if shared.chance(hooks.duplicate_probability) {
                    send_once(&shared, batch_id, &events, attempt_number, true).await;
                }
                return;
            }
            DeliveryOutcome::NoTarget => return,
            _ => {}
        }
        let Some(delay_ms) = hooks.retry_delays_ms.get(attempt) else {
            return;
        };
        if !shared.sleep(shared.config.scaled_ms(*delay_ms)).await {
            return;
        }
    }
}

/// Records how a request ended; the contacts it named that wait for their
/// first delivery to become readable start their lag now.
fn finish(shared: &Shared, record_id: u64, status: Option<u16>, outcome: DeliveryOutcome) {
    let now = now_ms();
    let mut state = shared.lock();
    let mut named = Vec::new();
    if let Some(record) = state.deliveries.iter_mut().find(|r| r.id == record_id) {
        record.finished_at = Some(now);
        record.status = status;
        record.outcome = outcome;
        named.clone_from(&record.event_ids);
    }
    if !state.reveal_after_delivery.is_empty() {
        let contacts: Vec<u64> = state
            .events
            .iter()
            .filter(|event| named.contains(&event.event_id))
            .map(|event| event.object_id)
            .collect();
        readable::after_delivery(&mut state, &contacts, now);
    }
}

/// One signed HTTP request carrying the batch with `attempt_number`.
async fn send_once(
    shared: &Shared,
    batch_id: u64,
    events: &[WebhookEvent],
    attempt_number: u32,
    duplicate: bool,
) -> DeliveryOutcome {
    let permit = tokio::select! {
        permit = shared.in_flight.acquire() => permit,
        () = shared.cancel.cancelled() => return DeliveryOutcome::NoTarget,
    };
    let Ok(_permit) = permit else {
        return DeliveryOutcome::NoTarget;
    };
    let events: Vec<WebhookEvent> = events
        .iter()
        .cloned()
        .map(|mut event| {
            event.attempt_number = attempt_number;
            event
        })
        .collect();
    let (record_id, target) = {
        let mut state = shared.lock();
        let id = u64::try_from(state.deliveries.len()).unwrap_or(u64::MAX) + 1;
        let target = state.target_url.clone();
        state.deliveries.push(DeliveryRecord {
            id,
            batch_id,
            url: target.clone(),
            attempt_number,
            duplicate,
            event_ids: events.iter().map(|e| e.event_id).collect(),
            started_at: now_ms(),
            finished_at: None,
            status: None,
            outcome: DeliveryOutcome::Pending,
        });
        (id, target)
    };
    let Some(url) = target else {
        finish(shared, record_id, None, DeliveryOutcome::NoTarget);
        return DeliveryOutcome::NoTarget;
    };
    let body = match serde_json::to_vec(&events) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "serialising a webhook batch");
            finish(shared, record_id, None, DeliveryOutcome::NoTarget);
            return DeliveryOutcome::NoTarget;
        }
    };
    let secret = shared.config.client_secret.as_str();
    let timestamp = now_ms().to_string();
    let request = shared
        .http
        .post(&url)
        .header("Content-Type", "application/json")
        .header(HEADER_LEGACY, sign_v1(secret, &body))
        .header(HEADER_VERSION, "v1")
        .header(HEADER_V3, sign_v3(secret, "POST", &url, &body, &timestamp))
        .header(HEADER_TIMESTAMP, timestamp)
        .body(body);
    let (status, outcome) = match request.send().await {
        Ok(response) if response.status().is_success() => {
            (Some(response.status().as_u16()), DeliveryOutcome::Delivered)
        }
        Ok(response) => (Some(response.status().as_u16()), DeliveryOutcome::HttpError),
        Err(error) if error.is_timeout() => (None, DeliveryOutcome::Timeout),
        Err(error) => {
            tracing::debug!(%error, %url, "webhook delivery failed");
            (None, DeliveryOutcome::ConnectError)
        }
    };
    finish(shared, record_id, status, outcome);
    outcome
}
