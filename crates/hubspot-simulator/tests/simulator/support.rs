//! What the simulator's tests share: a fast simulator and the calls a client
//! makes to it.

use std::time::{Duration, Instant};

use hubspot_simulator::{DelayRange, SimConfig, Simulator, SimulatorHandle};
use serde_json::{Value, json};

pub use super::schemas::Spec;
use crate::receiver::Receiver;

/// The access token the simulator accepts.
pub const TOKEN: &str = "pat-na1-test-token";
/// A `hubspotutk` cookie value.
pub const HUTK: &str = "0123456789abcdef0123456789abcdef";

/// A configuration that runs 100 times faster than real time, seeded.
pub fn fast_config() -> SimConfig {
    let mut config = SimConfig {
        access_tokens: vec![TOKEN.to_owned()],
        time_scale: 0.01,
        rng_seed: Some(7),
        processing_delay: DelayRange::ms(500, 3_000),
        visibility_lag: DelayRange::ms(0, 500),
        send_delay: DelayRange::ms(100, 500),
        ..SimConfig::default()
    };
    config.webhooks.dispatch_delay = DelayRange::ms(0, 500);
    config.webhooks.retry_delays_ms = vec![1_000; 10];
    config.webhooks.duplicate_probability = 0.0;
    config.webhooks.reorder_probability = 0.0;
    config
}

/// [`fast_config`], delivering webhooks to `receiver`.
pub fn delivering_to(receiver: &Receiver) -> SimConfig {
    let mut config = fast_config();
    config.webhooks.target_url = Some(receiver.url.clone());
    config
}

/// Starts a simulator, failing the test with the reason when it cannot.
pub async fn start(config: SimConfig) -> SimulatorHandle {
    match Simulator::start(config).await {
        Ok(handle) => handle,
        Err(error) => panic!("simulator did not start: {error:#}"),
    }
}

/// A plain HTTP client.
pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// Polls `check` every 10 ms until it yields a value or `limit` passes.
pub async fn eventually<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The Forms submit body for the default signup form.
pub fn signup_body(email: &str, hutk: Option<&str>) -> Value {
    let mut context = json!({ "pageUri": "https://app.example.com/signup", "pageName": "Sign up" });
    if let Some(hutk) = hutk {
        context["hutk"] = json!(hutk);
    }
    json!({
        "fields": [
            { "objectTypeId": "0-1", "name": "email", "value": email },
            { "objectTypeId": "0-1", "name": "firstname", "value": "Ann" },
        ],
        "context": context,
    })
}

/// `POST url` with a JSON body and no credentials.
pub async fn post_json(url: &str, body: &Value) -> reqwest::Response {
    client()
        .post(url)
        .json(body)
        .send()
        .await
        .expect("POST request")
}

/// A Forms submission to the default form.
pub async fn submit(sim: &SimulatorHandle, body: &Value) -> reqwest::Response {
    let config = sim.config();
    let url = format!(
        "{}/submissions/v3/integration/submit/{}/{}",
        sim.base_url(),
        config.portal_id,
        config.forms[0].guid
    );
    post_json(&url, body).await
}

/// Submits `count` signups (`{prefix}{i}@example.com`), each answered 200.
pub async fn submit_signups(sim: &SimulatorHandle, count: usize, prefix: &str) {
    for i in 0..count {
        let body = signup_body(&format!("{prefix}{i}@example.com"), Some(HUTK));
        assert_eq!(submit(sim, &body).await.status(), 200);
    }
}

/// `GET path` with the access token.
pub async fn api_get(sim: &SimulatorHandle, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("GET request")
}

/// `POST path` with a JSON body and the access token.
pub async fn api_post(sim: &SimulatorHandle, path: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .expect("POST request")
}

/// A Single Send request.
pub async fn single_send(sim: &SimulatorHandle, body: &Value) -> reqwest::Response {
    api_post(sim, "/marketing/v3/transactional/single-email/send", body).await
}

/// A CRM contact read (`id_and_query`: the id, and a query if any).
pub async fn get_contact(sim: &SimulatorHandle, id_and_query: &str) -> reqwest::Response {
    api_get(sim, &format!("/crm/v3/objects/contacts/{id_and_query}")).await
}

/// The JSON body of a response.
pub async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}
