//! Webhook delivery when the receiver fails: retries (errors and timeouts)
//! with a rising attempt number up to the limit, and concurrency.

use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{DelayRange, DeliveryOutcome, SimConfig, SimulatorHandle};
use serde_json::Value;

use crate::receiver::Receiver;
use crate::support;

/// One signup's events delivered to `receiver` (no property changes:
/// creations only), after `adjust` edits the configuration; returns once
/// every delivery is done.
async fn one_signup_delivered_to(
    receiver: &Receiver,
    prefix: &str,
    adjust: impl FnOnce(&mut SimConfig),
) -> SimulatorHandle {
    let mut config = support::delivering_to(receiver);
    config.webhooks.subscribed_properties.clear();
    adjust(&mut config);
    let sim = support::start(config).await;
    support::submit_signups(&sim, 1, prefix).await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    sim
}

/// The `attemptNumber` of every event the receiver got.
fn attempts(receiver: &Receiver) -> Vec<u64> {
    receiver
        .all_events()
        .iter()
        .map(|e| e["attemptNumber"].as_u64().expect("attemptNumber"))
        .collect()
}

#[tokio::test]
async fn failures_are_retried_with_a_rising_attempt_number_until_the_limit() {
    // The first two requests fail; everything after succeeds.
    let flaky = Receiver::start(Arc::new(|n| {
        (if n < 2 { 500 } else { 204 }, Duration::ZERO)
    }))
    .await;
    let sim = one_signup_delivered_to(&flaky, "retry", |_| {}).await;
    assert_eq!(attempts(&flaky), [0, 1, 2]);
    let ids: Vec<Value> = flaky
        .all_events()
        .iter()
        .map(|e| e["eventId"].clone())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "a retry repeats the event"
    );
    sim.stop().await;
    flaky.stop().await;

    // A receiver that always fails gets the first attempt plus every retry.
    let broken = Receiver::start(Arc::new(|_| (503, Duration::ZERO))).await;
    let sim = one_signup_delivered_to(&broken, "broken", |config| {
        config.webhooks.retry_delays_ms = vec![500, 1_000, 1_500];
    })
    .await;
    assert_eq!(attempts(&broken), [0, 1, 2, 3]);
    assert!(
        sim.deliveries()
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::HttpError && d.status == Some(503))
    );
    sim.stop().await;
    broken.stop().await;
}

#[tokio::test]
async fn a_slow_answer_counts_as_a_failure() {
    let slow_first = Receiver::start(Arc::new(|n| {
        (
            204,
            if n == 0 {
                Duration::from_millis(1_500)
            } else {
                Duration::ZERO
            },
        )
    }))
    .await;
    let sim = one_signup_delivered_to(&slow_first, "slow", |config| {
        config.webhooks.timeout_ms = 300;
    })
    .await;
    let outcomes: Vec<_> = sim
        .deliveries()
        .iter()
        .map(|d| (d.attempt_number, d.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (0, DeliveryOutcome::Timeout),
            (1, DeliveryOutcome::Delivered)
        ]
    );
    sim.stop().await;
    slow_first.stop().await;
}

#[tokio::test]
async fn no_more_than_the_configured_requests_are_in_flight() {
    let slow = Receiver::start(Arc::new(|_| (204, Duration::from_millis(150)))).await;
    let mut config = support::delivering_to(&slow);
    config.processing_delay = DelayRange::fixed(0);
    config.webhooks.dispatch_delay = DelayRange::fixed(0);
    config.webhooks.max_batch_size = 1;
    config.webhooks.subscribed_properties.clear();
    let sim = support::start(config).await;
    support::submit_signups(&sim, 30, "busy").await;
    assert!(sim.wait_idle(Duration::from_secs(20)).await);
    assert_eq!(slow.requests().len(), 30);
    let (_, max) = *slow.max_in_flight.lock().unwrap();
    assert!(max <= 10, "at most 10 in flight, saw {max}");
    assert!(max >= 2, "requests do run concurrently, saw {max}");
    sim.stop().await;
    slow.stop().await;
}
