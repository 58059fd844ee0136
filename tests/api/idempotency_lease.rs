//! A request that claimed an `Idempotency-Key` and died before answering does
//! not block the key for the whole `IDEMPOTENCY_TTL`.

use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};
use signup_reactor::store::{IdempotencyClaim, RedisStore};

use crate::support::app::TestApp;
use crate::support::stack::signup_body;
use crate::support::stub_http::StubHttp;

#[tokio::test]
async fn a_claim_never_completed_expires_after_the_lease_and_a_retry_succeeds() {
    let forms = StubHttp::start(200, "application/json", "{}");
    let url = forms.url.parse().expect("url");
    // The shortest lease the start-up check lets these timeouts have
    // (HUBSPOT_HTTP_TIMEOUT + 8 × REDIS_COMMAND_TIMEOUT).
    let lease = Duration::from_secs(3);
    let app = TestApp::spawn_with(|c| {
        c.hubspot.forms_base_url = url;
        c.hubspot.http_timeout = Duration::from_secs(1);
        c.redis.command_timeout = Duration::from_millis(250);
        c.signup.idempotency_lease = lease;
    })
    .await;
    let key = "retry-after-crash";
    let body = signup_body("crash@example.com");

    // A process claims the key exactly as the handler does, then dies.
    let store = RedisStore::connect(&app.config.redis).expect("store");
    let key_digest = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
    let request_digest = hex::encode(Sha256::digest(serde_json::to_vec(&body).expect("json")));
    let claim = store
        .idempotency()
        .claim(&key_digest, &request_digest, lease)
        .await
        .expect("claim");
    assert!(matches!(claim, IdempotencyClaim::Claimed(_)), "{claim:?}");

    // The claim's own TTL is the lease, not IDEMPOTENCY_TTL.
    let mut conn = app.redis_conn().await;
    let ttl_ms: i64 = redis::cmd("PTTL")
        .arg(store.keys().idempotency(&key_digest))
        .query_async(&mut conn)
        .await
        .expect("PTTL");
    assert!(ttl_ms > 0 && ttl_ms <= 3000, "{ttl_ms}");

    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    let response = app.signup(&body, Some(key)).await;
    assert_eq!(response.status(), 202);
    assert!(response.headers().get("Idempotent-Replayed").is_none());
    let json: Value = response.json().await.expect("json");
    assert_eq!(json["status"], "submitted");
    assert_eq!(forms.hits(), 1);

    // The completed response is kept for the full IDEMPOTENCY_TTL and replayed.
    let ttl_s: i64 = redis::cmd("TTL")
        .arg(store.keys().idempotency(&key_digest))
        .query_async(&mut conn)
        .await
        .expect("TTL");
    assert!(ttl_s > 86_000, "{ttl_s}");
    let replay = app.signup(&body, Some(key)).await;
    assert_eq!(replay.status(), 202);
    assert_eq!(replay.headers()["Idempotent-Replayed"], "true");
    assert_eq!(forms.hits(), 1);
}
