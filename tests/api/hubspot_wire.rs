//! What the reactor's HubSpot client puts on the wire, captured by a plain
//! receiver and checked against the official specs of each API version.

use std::time::Duration;

use serde_json::{Value, json};
use signup_reactor::domain::Email;
use signup_reactor::hubspot::transactional::{SendVerdict, SingleSend};
use signup_reactor::hubspot::{ApiVersion, HubSpotClient, HubSpotEndpoints};

use crate::schemas::OfficialSpec;
use crate::support::stub_http::StubHttp;

/// Validates JSON against a component schema of an official spec, strictly
/// (no undeclared fields), when `HUBSPOT_OPENAPI_DIR` names the specs.
fn validate_strict(spec: &str, schema: &str, instance: &Value) {
    OfficialSpec::load(spec).validate_strict(schema, instance);
}

/// A client of `version` whose HubSpot is at `base`.
fn client_at(base: &str, version: ApiVersion) -> HubSpotClient {
    HubSpotClient::new(HubSpotEndpoints {
        api_base_url: base.parse().expect("url"),
        forms_base_url: base.parse().expect("url"),
        access_token: "token".to_owned().into(),
        timeout: Duration::from_secs(5),
        api_version: version,
        max_retry_wait: Duration::from_secs(60),
    })
    .expect("client")
}

/// Answers every request with an empty 200 and keeps what it got.
fn receiver() -> StubHttp {
    StubHttp::start(200, "", "")
}

fn send() -> SingleSend {
    SingleSend {
        email_id: 7,
        to: Email::parse("ann@example.com").expect("email"),
        send_id: "signup-1".to_owned(),
        custom_properties: Default::default(),
    }
}

#[tokio::test]
async fn single_send_bodies_validate_against_each_versions_spec() {
    let receiver = receiver();
    for (version, spec, path) in [
        (
            ApiVersion::V2026_09,
            "transactional-single-send-2026-09",
            "/marketing/transactional/2026-09/single-email/send",
        ),
        (
            ApiVersion::V2026_03,
            "transactional-single-send-2026-03",
            "/marketing/transactional/2026-03/single-email/send",
        ),
        (
            ApiVersion::V3,
            "transactional-single-send-v3",
            "/marketing/v3/transactional/single-email/send",
        ),
    ] {
        let status = client_at(&receiver.url, version)
            .single_send(&send())
            .await
            .expect("a 2xx is Ok even with an empty body");
        assert_eq!(status.classify(), SendVerdict::SentUnreadable);
        let request = receiver.requests().pop().expect("one request");
        assert!(request.url.ends_with(path), "{} for {version}", request.url);
        let body: Value = serde_json::from_slice(&request.body).expect("json");
        validate_strict(spec, "PublicSingleSendRequestEgg", &body);
        let contact_properties = body.get("contactProperties");
        assert!(
            contact_properties.is_none() || contact_properties == Some(&json!({})),
            "never any contactProperties content: {body}"
        );
    }
}

#[tokio::test]
async fn batch_reads_put_emails_in_the_body_and_validate_against_the_spec() {
    let receiver = receiver();
    let client = client_at(&receiver.url, ApiVersion::V2026_09);
    let email = Email::parse("private.person@example.com").expect("email");
    let error = client
        .get_contact_by_email(&email, &["firstname"])
        .await
        .expect_err("the receiver's empty body does not parse");
    assert!(!format!("{error} {error:?}").contains("private.person"));
    let request = receiver.requests().pop().expect("one request");
    assert!(
        request
            .url
            .ends_with("/crm/objects/2026-09/contacts/batch/read"),
        "{}",
        request.url
    );
    assert!(!request.url.contains("private.person"));
    let body: Value = serde_json::from_slice(&request.body).expect("json");
    validate_strict(
        "crm-contacts-2026-09",
        "BatchReadInputSimplePublicObjectId",
        &body,
    );
    assert_eq!(body["idProperty"], "email");
    assert_eq!(body["inputs"][0]["id"], "private.person@example.com");

    let too_many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    let before = receiver.requests().len();
    let error = client
        .batch_read_contacts(&too_many, None, &[])
        .await
        .expect_err("more than 100 inputs");
    assert_eq!(error.kind(), "too_many_inputs");
    assert_eq!(receiver.requests().len(), before, "nothing was sent");
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_url() {
    // Nothing listens on port 9: the connection is refused.
    let client = client_at("http://127.0.0.1:9", ApiVersion::V3);
    let status_id = "private.person@example.com";
    let error = client.send_status(status_id).await.expect_err("refused");
    let shown = format!("{error} {error:?} {:?}", std::error::Error::source(&error));
    assert!(!shown.contains("private.person"), "{shown}");
    assert!(!shown.contains("127.0.0.1:9/"), "{shown}");
}

#[test]
fn every_send_result_in_the_specs_is_classified_explicitly() {
    use signup_reactor::hubspot::transactional::KNOWN_SEND_RESULTS;
    let Ok(dir) = std::env::var("HUBSPOT_OPENAPI_DIR") else {
        eprintln!("HUBSPOT_OPENAPI_DIR unset: sendResult values not compared with the specs");
        return;
    };
    for spec in [
        "transactional-single-send-v3",
        "transactional-single-send-2026-03",
        "transactional-single-send-2026-09",
    ] {
        let path = format!("{dir}/{spec}.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let document: Value = serde_json::from_str(&text).expect("json");
        let values = document["components"]["schemas"]["EmailSendStatusView"]["properties"]
            ["sendResult"]["enum"]
            .as_array()
            .expect("sendResult enum")
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>();
        assert!(values.len() >= 49, "{spec}: {}", values.len());
        for value in values {
            assert!(
                KNOWN_SEND_RESULTS.contains(&value),
                "{spec}: {value} is not classified explicitly"
            );
        }
    }
}
