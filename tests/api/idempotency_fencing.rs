//! `Idempotency-Key` claims are fenced by a per-request token: a request that
//! outlived its lease, while a retry claimed the key, neither overwrites nor
//! deletes the successor's claim or answer. And `serve` refuses a lease
//! shorter than a signup request's worst case.

use std::time::Duration;

use sha2::{Digest, Sha256};
use signup_reactor::store::{Fenced, IdempotencyClaim, RedisStore, StoredResponse};

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;
use crate::support::stack::signup_body;
use crate::support::stub_http::StubHttp;

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
    let forms = StubHttp::start(200, "application/json", "{}");
    let url = forms.url.parse().expect("url");
    let lease = Duration::from_secs(3);
    let app = TestApp::spawn_with(|c| {
        c.hubspot.forms_base_url = url;
        c.hubspot.http_timeout = Duration::from_secs(1);
        c.redis.command_timeout = Duration::from_millis(250);
        c.signup.idempotency_lease = lease;
    })
    .await;
    let key = "stale-release";
    let body = signup_body("stale@example.com");
    let store = RedisStore::connect(&app.config.redis).expect("store");
    let key_digest = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
    let request_digest = hex::encode(Sha256::digest(serde_json::to_vec(&body).expect("json")));

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
        tokio::process::Command::new(env!("CARGO_BIN_EXE_signup-reactor"))
            .arg("serve")
            .env_clear()
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("REDIS_URL", "redis://127.0.0.1:9")
            .env("HUBSPOT_CLIENT_SECRET", "secret")
            .env("HUBSPOT_ACCESS_TOKEN", "token")
            .env("HUBSPOT_PORTAL_ID", "62515")
            .env(
                "HUBSPOT_SIGNUP_FORM_GUID",
                "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f",
            )
            .env("HUBSPOT_VERIFICATION_EMAIL_ID", "42")
            .env("SIGNUP_API_TOKEN", "token")
            // Default HUBSPOT_HTTP_TIMEOUT (10s) and REDIS_COMMAND_TIMEOUT (2s): 26s.
            .env("IDEMPOTENCY_LEASE", lease)
            .kill_on_drop(true)
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
            "IDEMPOTENCY_LEASE is invalid: 20s is shorter than a signup request's worst case: HUBSPOT_HTTP_TIMEOUT (10s) + 8 × REDIS_COMMAND_TIMEOUT (2s) = 26s"
        ),
        "{stderr}"
    );
}
