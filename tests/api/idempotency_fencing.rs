//! `Idempotency-Key` claims are fenced by a per-request token: a request that
//! outlived its lease, while a retry claimed the key, neither overwrites nor
//! deletes the successor's claim or answer. And `serve` refuses a lease
//! shorter than a signup request's worst case.

use std::time::Duration;

use signup_reactor::store::{Fenced, IdempotencyClaim, RedisStore, StoredResponse};

use crate::support::binary::{reactor, with_required_settings};
use crate::support::idempotency::{LEASE, LeasedApp, claim_digests};
use crate::support::redis_server::TestRedis;
use crate::support::stack::signup_body;

fn response(body: &str) -> StoredResponse {
    StoredResponse {
        status: 202,
        body: body.to_owned(),
    }
}

#[tokio::test]
async fn a_request_past_its_lease_cannot_complete_or_release_its_successors_claim() {
    let redis = TestRedis::start();
    let config = crate::support::app::test_config(&redis.url);
    let store = RedisStore::connect(&config.redis).expect("store");
    let keys = store.idempotency();
    let lease = Duration::from_millis(200);
    let day = Duration::from_secs(86_400);

    let IdempotencyClaim::Claimed(first) = keys.claim("k", "req", lease).await.expect("claim")
    else {
        panic!("the first claim");
    };
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    let IdempotencyClaim::Claimed(second) =
        keys.claim("k", "req", lease * 50).await.expect("claim")
    else {
        panic!("the lease ran out: the retry claims the key");
    };

    // The first request finishes late: its answer and its release are refused.
    let late = keys
        .complete("k", &first, "req", response("first"), day)
        .await;
    assert_eq!(late.expect("complete"), Fenced::NotOurs);
    assert_eq!(
        keys.release("k", &first).await.expect("release"),
        Fenced::NotOurs
    );
    assert_eq!(
        keys.claim("k", "req", lease).await.expect("claim"),
        IdempotencyClaim::InProgress,
        "the successor still holds the key"
    );

    // The successor completes; the stale request still cannot undo it.
    let done = keys
        .complete("k", &second, "req", response("second"), day)
        .await;
    assert_eq!(done.expect("complete"), Fenced::Done);
    assert_eq!(
        keys.release("k", &first).await.expect("release"),
        Fenced::NotOurs
    );
    assert_eq!(
        keys.release("k", &second).await.expect("release"),
        Fenced::NotOurs,
        "an answered key is never released"
    );
    assert_eq!(
        keys.claim("k", "req", lease).await.expect("claim"),
        IdempotencyClaim::Done(response("second"))
    );

    // A request whose lease ran out with no successor still stores its answer.
    let IdempotencyClaim::Claimed(alone) = keys.claim("k2", "req", lease).await.expect("claim")
    else {
        panic!("claim");
    };
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    let stored = keys
        .complete("k2", &alone, "req", response("alone"), day)
        .await;
    assert_eq!(stored.expect("complete"), Fenced::Done);
    assert_eq!(
        keys.claim("k2", "req", lease).await.expect("claim"),
        IdempotencyClaim::Done(response("alone"))
    );
}

#[tokio::test]
async fn a_stale_request_giving_its_key_up_leaves_the_successors_answer_replayed() {
    let LeasedApp { app, forms, store } = LeasedApp::start().await;
    let lease = LEASE;
    let key = "stale-release";
    let body = signup_body("stale@example.com");
    let (key_digest, request_digest) = claim_digests(key, &body);

    // A request claims the key, then stalls past its lease.
    let IdempotencyClaim::Claimed(stale) = store
        .idempotency()
        .claim(&key_digest, &request_digest, lease)
        .await
        .expect("claim")
    else {
        panic!("claim");
    };
    tokio::time::sleep(lease + Duration::from_millis(200)).await;

    // The app's retry is processed and answered.
    let retry = app.signup(&body, Some(key)).await;
    assert_eq!(retry.status(), 202);
    assert_eq!(forms.hits(), 1);

    // The stalled request fails and gives the key up: the answer stays.
    let released = store.idempotency().release(&key_digest, &stale).await;
    assert_eq!(released.expect("release"), Fenced::NotOurs);
    let again = app.signup(&body, Some(key)).await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    assert_eq!(forms.hits(), 1, "the key's signup was submitted once");
}

#[tokio::test]
async fn serve_refuses_an_idempotency_lease_shorter_than_a_requests_worst_case() {
    let run = |lease: &'static str| {
        with_required_settings(&mut reactor(&["serve"]))
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("REDIS_URL", "redis://127.0.0.1:9")
            // Default HUBSPOT_HTTP_TIMEOUT (10s) and REDIS_COMMAND_TIMEOUT (2s): 28s.
            .env("IDEMPOTENCY_LEASE", lease)
            .output()
    };
    let output = tokio::time::timeout(Duration::from_secs(30), run("20s"))
        .await
        .expect("serve exits at once on a contradictory configuration")
        .expect("run signup-reactor");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "IDEMPOTENCY_LEASE is invalid: 20s is shorter than a signup request's worst case: HUBSPOT_HTTP_TIMEOUT (10s) + 9 × REDIS_COMMAND_TIMEOUT (2s) = 28s"
        ),
        "{stderr}"
    );
}
