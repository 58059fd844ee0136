//! A receiver with a short `IDEMPOTENCY_LEASE` whose Forms API is a stub
//! answering 200, and the digests under which its signup handler claims an
//! `Idempotency-Key`: what a test needs to play a request that claimed a key
//! and died or stalled.

use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};
use signup_reactor::store::RedisStore;

use super::app::TestApp;
use super::stub_http::StubHttp;

/// The shortest lease the start-up check lets the app's timeouts have
/// (HUBSPOT_HTTP_TIMEOUT + 9 × REDIS_COMMAND_TIMEOUT), with room.
pub const LEASE: Duration = Duration::from_secs(3);

/// The app, its Forms stub (which counts the submissions) and a store on its Redis.
pub struct LeasedApp {
    pub app: TestApp,
    pub forms: StubHttp,
    pub store: RedisStore,
}

impl LeasedApp {
    /// Starts the stub and the app with a 1 s HubSpot timeout, a 200 ms
    /// Redis command timeout and a lease of [`LEASE`].
    pub async fn start() -> Self {
        let forms = StubHttp::start(200, "application/json", "{}");
        let url = forms.url.parse().expect("url");
        let app = TestApp::spawn_with(|c| {
            c.hubspot.forms_base_url = url;
            c.hubspot.http_timeout = Duration::from_secs(1);
            c.redis.command_timeout = Duration::from_millis(200);
            c.signup.idempotency_lease = LEASE;
        })
        .await;
        let store = RedisStore::connect(&app.config.redis).expect("store");
        Self { app, forms, store }
    }
}

/// The digests of `key` and of the request `body`, as the handler claims
/// the key: `(key digest, request digest)`.
pub fn claim_digests(key: &str, body: &Value) -> (String, String) {
    let key_digest = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
    let request_digest = hex::encode(Sha256::digest(serde_json::to_vec(body).expect("json")));
    (key_digest, request_digest)
}
