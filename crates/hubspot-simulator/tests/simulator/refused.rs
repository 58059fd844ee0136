//! Injected 401s (refused credentials) on chosen endpoints, for the next N
//! calls or during a window, set over HTTP or through the handle; and the
//! requests the simulator counts by endpoint, failed ones included.

use std::time::Duration;

use hubspot_simulator::{Endpoint, FaultRule, SimulatorHandle};
use serde_json::{Value, json};

use crate::support;

const BATCH_READ: &str = "/crm/v3/objects/contacts/batch/read";

async fn batch_read(sim: &SimulatorHandle) -> u16 {
    let body = json!({ "inputs": [{ "id": "4242" }], "properties": ["email"] });
    support::api_post(sim, BATCH_READ, &body)
        .await
        .status()
        .as_u16()
}

async fn profile_batch(sim: &SimulatorHandle) -> u16 {
    let path = "/contacts/v1/contact/vids/batch/?vid=4242";
    support::api_get(sim, path).await.status().as_u16()
}

async fn contact_read(sim: &SimulatorHandle) -> u16 {
    support::get_contact(sim, "4242").await.status().as_u16()
}

#[tokio::test]
async fn a_401_window_set_over_http_refuses_every_shared_batch_call_until_it_ends() {
    let sim = support::start(support::fast_config()).await;
    // 300 s nominal: 3 s at the test's time scale.
    let rule = json!({ "endpoint": "shared_batch", "kind": "unauthorized", "lasts_ms": 300_000 });
    let response = support::post_json(&format!("{}/_sim/faults", sim.base_url()), &rule).await;
    assert_eq!(response.status(), 200);
    let installed: Value = response.json().await.expect("rules");
    assert!(installed[0]["window"]["until"].is_u64(), "{installed}");

    for _ in 0..3 {
        assert_eq!(batch_read(&sim).await, 401);
        assert_eq!(profile_batch(&sim).await, 401);
    }
    let refused = support::api_post(&sim, BATCH_READ, &json!({ "inputs": [{ "id": "1" }] })).await;
    let body = support::json_of(refused).await;
    assert_eq!(body["category"], "INVALID_AUTHENTICATION");
    assert_eq!(
        contact_read(&sim).await,
        404,
        "other endpoints are untouched"
    );

    tokio::time::sleep(Duration::from_millis(3_100)).await;
    assert_eq!(batch_read(&sim).await, 207, "the window is over");
    assert_eq!(profile_batch(&sim).await, 200);
    assert!(sim.faults().is_empty(), "an ended window expires its rule");
    sim.stop().await;
}

#[tokio::test]
async fn the_next_n_calls_answer_401_and_every_request_is_counted_by_endpoint() {
    let sim = support::start(support::fast_config()).await;
    sim.add_fault(FaultRule::unauthorized(Endpoint::CrmContact, 2));
    let statuses = [
        contact_read(&sim).await,
        contact_read(&sim).await,
        contact_read(&sim).await,
    ];
    assert_eq!(statuses, [401, 401, 404]);
    sim.add_fault(FaultRule::rate_limited_retry_after(
        Endpoint::CrmBatchRead,
        2,
        1,
    ));
    let body = json!({ "inputs": [{ "id": "4242" }] });
    let limited = support::api_post(&sim, BATCH_READ, &body).await;
    assert_eq!(limited.status(), 429);
    let retry_after = limited
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().ok());
    assert_eq!(
        retry_after,
        Some(Some("1")),
        "2 s scaled by 0.01, rounded up"
    );
    assert_eq!(batch_read(&sim).await, 207);

    let counts = support::json_of(support::api_get(&sim, "/_sim/requests").await).await;
    assert_eq!(counts["crm_contact"]["received"], 3);
    assert_eq!(counts["crm_contact"]["injected"], 2);
    assert_eq!(counts["crm_batch_read"]["received"], 2);
    assert_eq!(counts["crm_batch_read"]["injected"], 1);
    assert_eq!(counts["crm_batch_read"]["quotaRejections"], 0);
    assert_eq!(sim.requests()[&Endpoint::CrmContact].received, 3);
    assert_eq!(sim.stats().quota_rejections, 0);
    sim.stop().await;
}

#[tokio::test]
async fn quota_refusals_are_counted_apart_from_injected_429s() {
    let mut config = support::fast_config();
    config.time_scale = 1.0;
    if let Some(api) = config.rate_limits.api.as_mut() {
        api.max = 2;
    }
    let sim = support::start(config).await;
    sim.add_fault(FaultRule::rate_limited(Endpoint::CrmContact, 1));
    let statuses = [
        contact_read(&sim).await,
        contact_read(&sim).await,
        contact_read(&sim).await,
        contact_read(&sim).await,
    ];
    assert_eq!(statuses, [429, 404, 404, 429]);
    let counts = sim.requests()[&Endpoint::CrmContact];
    assert_eq!(
        (counts.received, counts.injected, counts.quota_rejections),
        (4, 1, 1)
    );
    assert_eq!(sim.stats().quota_rejections, 1);
    sim.stop().await;
}
