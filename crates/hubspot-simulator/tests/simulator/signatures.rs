//! Webhook signatures the simulator produces: equal to an independent
//! implementation that reproduces HubSpot's known-answer vectors, and accepted
//! by the receiver's own verification code.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use hubspot_signature::{
    HEADER_LEGACY, HEADER_TIMESTAMP, HEADER_V3, HEADER_VERSION, SignaturePolicy, SignedRequest,
    verify,
};
use hubspot_simulator::{SimConfig, SimulatorHandle};
use sha2::{Digest, Sha256};

use crate::receiver::{Received, Receiver};
use crate::support::{self, HUTK};

const KAT_SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const KAT_URL: &str = "https://www.example.com/webhook_uri";
const KAT_BODY: &str = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;

fn reference_v1(secret: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// v3 per HubSpot's rule, decoding only the listed sequences (none of which
/// the URLs used here contain except `%3A`).
fn reference_v3(secret: &str, url: &str, body: &[u8], timestamp: &str) -> String {
    let url = url.replace("%3A", ":");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"POST");
    mac.update(url.as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn the_reference_reproduces_hubspots_known_answers() {
    assert_eq!(
        reference_v1(KAT_SECRET, KAT_BODY.as_bytes()),
        "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
    );
    let quoted = b"{'example_field':'example_value'}";
    assert_eq!(
        reference_v3(KAT_SECRET, KAT_URL, quoted, "1693657560000"),
        "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="
    );
    assert_eq!(
        reference_v3(KAT_SECRET, KAT_URL, quoted, "1700000300000"),
        "RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw="
    );
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A simulator signing with the known-answer secret and delivering to
/// `target` (after `adjust`), once `email`'s signup is delivered.
async fn one_signup_signed_to(
    target: &str,
    email: &str,
    adjust: impl FnOnce(&mut SimConfig),
) -> SimulatorHandle {
    let mut config = support::fast_config();
    config.client_secret = KAT_SECRET.to_owned();
    config.webhooks.target_url = Some(target.to_owned());
    adjust(&mut config);
    let sim = support::start(config).await;
    support::submit(&sim, &support::signup_body(email, Some(HUTK))).await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    sim
}

/// Asserts that a delivery to `url` carries the reference v1 and v3
/// signatures; returns them and the timestamp.
fn assert_reference_signatures<'a>(
    request: &'a Received,
    url: &str,
) -> (&'a str, &'a str, &'a str) {
    let v1 = request.header(HEADER_LEGACY).expect("v1 header");
    let v3 = request.header(HEADER_V3).expect("v3 header");
    let timestamp = request.header(HEADER_TIMESTAMP).expect("timestamp header");
    assert_eq!(v1, reference_v1(KAT_SECRET, &request.body));
    assert_eq!(v3, reference_v3(KAT_SECRET, url, &request.body, timestamp));
    (v1, v3, timestamp)
}

#[tokio::test]
async fn delivered_webhooks_carry_v1_and_v3_signatures_that_verify() {
    let receiver = Receiver::ok().await;
    // A query with an encoded character: v3 covers the URL exactly as configured.
    let target = format!("{}?portal=62515&tag=a%3Ab", receiver.url);
    let sim = one_signup_signed_to(&target, "sig@example.com", |_| {}).await;

    let requests = receiver.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        let (v1, v3, timestamp) = assert_reference_signatures(request, &target);
        assert_eq!(request.header(HEADER_VERSION), Some("v1"));
        assert_eq!(request.url, target, "delivered to the configured URL");

        let both = SignedRequest {
            method: "POST",
            url: &target,
            body: request.body.clone().into(),
            signature_v3: Some(v3),
            timestamp: Some(timestamp),
            signature_legacy: Some(v1),
            legacy_version: Some("v1"),
        };
        let verified = verify(KAT_SECRET, SignaturePolicy::V3Only, both, now_ms());
        assert!(verified.is_ok(), "{verified:?}");
        let legacy_only = SignedRequest {
            method: "POST",
            url: &target,
            body: request.body.clone().into(),
            signature_v3: None,
            timestamp: None,
            signature_legacy: Some(v1),
            legacy_version: Some("v1"),
        };
        assert!(verify(KAT_SECRET, SignaturePolicy::Any, legacy_only, now_ms()).is_ok());
        let wrong_secret = SignedRequest {
            method: "POST",
            url: &target,
            body: request.body.clone().into(),
            signature_v3: Some(v3),
            timestamp: Some(timestamp),
            signature_legacy: None,
            legacy_version: None,
        };
        assert!(
            verify(
                "another-secret",
                SignaturePolicy::Any,
                wrong_secret,
                now_ms()
            )
            .is_err()
        );
    }
    sim.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn generic_object_events_are_signed_the_same_way() {
    let receiver = Receiver::ok().await;
    let sim = one_signup_signed_to(&receiver.url, "generic@example.com", |config| {
        config.webhooks.style = hubspot_simulator::EventStyle::Generic;
    })
    .await;

    let requests = receiver.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert_reference_signatures(request, &receiver.url);
    }
    let events = receiver.all_events();
    assert!(
        events
            .iter()
            .any(|e| e["subscriptionType"] == "object.creation")
    );
    assert!(
        events
            .iter()
            .any(|e| e["subscriptionType"] == "object.propertyChange"
                && e["propertyName"] == "email")
    );
    for event in &events {
        assert_eq!(event["objectTypeId"], "0-1", "{event}");
        assert!(
            event["subscriptionType"]
                .as_str()
                .is_some_and(|t| t.starts_with("object.")),
            "{event}"
        );
    }
    sim.stop().await;
    receiver.stop().await;
}
