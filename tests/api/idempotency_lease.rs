//! A request that claimed an `Idempotency-Key` and died before answering does
//! not block the key for the whole `IDEMPOTENCY_TTL`.

use std::time::Duration;

use serde_json::Value;
use signup_reactor::store::IdempotencyClaim;

use crate::support::idempotency::{LEASE, LeasedApp, claim_digests};
use crate::support::stack::signup_body;

#[tokio::test]
async fn a_claim_never_completed_expires_after_the_lease_and_a_retry_succeeds() {
    let LeasedApp { app, forms, store } = LeasedApp::start().await;
    let lease = LEASE;
    let key = "retry-after-crash";
    let body = signup_body("crash@example.com");

    // A process claims the key exactly as the handler does, then dies.
    let (key_digest, request_digest) = claim_digests(key, &body);
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
