//! 401 and 429 shapes, and injected faults.

use hubspot_simulator::{Endpoint, FaultRule, RateLimit};
use serde_json::{Value, json};

use crate::support::{self, Spec};

#[tokio::test]
async fn missing_or_wrong_tokens_get_hubspots_401() {
    let spec = Spec::load("crm-contacts-v3");
    let sim = support::start(support::fast_config()).await;
    let url = format!("{}/crm/v3/objects/contacts/1", sim.base_url());
    let none = support::client().get(&url).send().await.unwrap();
    let wrong = support::client()
        .get(&url)
        .bearer_auth("pat-na1-wrong")
        .send()
        .await
        .unwrap();
    for response in [none, wrong] {
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        spec.validate("Error", &body);
        assert_eq!(body["category"], "INVALID_AUTHENTICATION");
        assert_eq!(body["status"], "error");
    }
    let send = format!(
        "{}/marketing/v3/transactional/single-email/send",
        sim.base_url()
    );
    let body = json!({ "emailId": 1, "message": { "to": "a@example.com" } });
    let response = support::client()
        .post(&send)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        sim.emails().is_empty(),
        "an unauthenticated send has no effect"
    );
    sim.stop().await;
}

#[tokio::test]
async fn over_the_budget_requests_get_hubspots_429() {
    let spec = Spec::load("crm-contacts-v3");
    let mut config = support::fast_config();
    config.time_scale = 1.0; // the window must outlast the test
    config.rate_limits.api = Some(RateLimit {
        max: 3,
        interval_ms: 60_000,
        daily: 1_000,
    });
    let sim = support::start(config).await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = support::get_contact(&sim, "1").await;
        assert_eq!(response.status(), 404);
        let header = response.headers()["x-hubspot-ratelimit-remaining"]
            .to_str()
            .unwrap()
            .to_owned();
        remaining.push(header);
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let limited = support::get_contact(&sim, "1").await;
    assert_eq!(limited.status(), 429);
    let headers = limited.headers().clone();
    assert_eq!(headers["x-hubspot-ratelimit-max"], "3");
    assert_eq!(headers["x-hubspot-ratelimit-remaining"], "0");
    assert_eq!(
        headers["x-hubspot-ratelimit-interval-milliseconds"],
        "60000"
    );
    assert_eq!(headers["x-hubspot-ratelimit-daily"], "1000");
    assert!(headers.contains_key("x-hubspot-ratelimit-daily-remaining"));
    let body: Value = limited.json().await.unwrap();
    spec.validate("Error", &body);
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(body["status"], "error");

    // The public forms endpoint has its own budget.
    let form = support::submit(&sim, &support::signup_body("f@example.com", None)).await;
    assert_eq!(form.status(), 200);
    sim.stop().await;
}

#[tokio::test]
async fn injected_bursts_hit_their_endpoint_then_stop() {
    let sim = support::start(support::fast_config()).await;
    sim.set_faults(vec![
        FaultRule::server_errors(Endpoint::SingleSend, 503, 2),
        FaultRule::rate_limited(Endpoint::FormsSubmit, 1),
    ]);
    let send = json!({ "emailId": 1, "message": { "to": "g@example.com" } });
    let statuses = [
        support::single_send(&sim, &send).await.status().as_u16(),
        support::single_send(&sim, &send).await.status().as_u16(),
        support::single_send(&sim, &send).await.status().as_u16(),
    ];
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(sim.emails().len(), 1, "failed requests have no effect");

    let body = support::signup_body("g@example.com", None);
    let limited = support::submit(&sim, &body).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(
        limited.json::<Value>().await.unwrap()["errorType"],
        "RATE_LIMIT"
    );
    assert_eq!(support::submit(&sim, &body).await.status(), 200);
    assert!(sim.faults().is_empty());

    // Faults can be set over HTTP too.
    let url = format!("{}/_sim/faults", sim.base_url());
    let rule =
        json!({ "endpoint": "crm_contact", "kind": "server_error", "status": 500, "remaining": 1 });
    let response = support::client()
        .post(&url)
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(support::get_contact(&sim, "1").await.status(), 500);
    assert_eq!(support::get_contact(&sim, "1").await.status(), 404);
    sim.stop().await;
}
