//! Batch reads on the v3 and dated paths (207 for ids that are not visible),
//! the legacy batch of profiles, and `hs_calculated_form_submissions`.

use std::time::Duration;

use hubspot_simulator::{DEFAULT_FORM_GUID, SimulatorHandle};
use serde_json::{Value, json};

use crate::schemas::OfficialSpec as Spec;
use crate::support::{self, HUTK, TOKEN};

async fn post(sim: &SimulatorHandle, path: &str, body: &Value) -> reqwest::Response {
    support::client()
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn get(sim: &SimulatorHandle, path: &str) -> reqwest::Response {
    support::client()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("request")
}

/// A contact created by the signup form, visible; returns its id.
async fn visible_contact(sim: &SimulatorHandle, email: &str) -> String {
    let response = support::submit(sim, &support::signup_body(email, Some(HUTK))).await;
    assert_eq!(response.status(), 200);
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    sim.contact_by_email(email).expect("contact").id.to_string()
}

#[tokio::test]
async fn a_dated_batch_read_answers_207_with_the_ids_not_found() {
    let spec = Spec::load("crm-contacts-2026-09");
    let sim = support::start(support::fast_config()).await;
    let id = visible_contact(&sim, "batch@example.com").await;
    let request = json!({
        "inputs": [{"id": id}, {"id": "4242"}],
        "properties": ["email", "hs_calculated_form_submissions"],
        "propertiesWithHistory": [],
    });
    spec.validate_strict("BatchReadInputSimplePublicObjectId", &request);
    let response = post(&sim, "/crm/objects/2026-09/contacts/batch/read", &request).await;
    assert_eq!(response.status(), 207);
    let body: Value = response.json().await.expect("json");
    spec.validate_strict("BatchResponseSimplePublicObject", &body);
    assert_eq!(body["results"][0]["id"], id.as_str());
    assert_eq!(body["numErrors"], 1);
    assert_eq!(body["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(body["errors"][0]["context"]["ids"], json!(["4242"]));
    let calculated = body["results"][0]["properties"]["hs_calculated_form_submissions"]
        .as_str()
        .expect("the property is set after a form submission");
    assert!(calculated.starts_with(&format!("{DEFAULT_FORM_GUID}::")));

    let all_found = json!({"inputs": [{"id": id}], "properties": [], "propertiesWithHistory": []});
    let response = post(&sim, "/crm/v3/objects/contacts/batch/read", &all_found).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    spec.validate_strict("BatchResponseSimplePublicObject", &body);
    sim.stop().await;
}

#[tokio::test]
async fn a_batch_read_by_email_finds_contacts_by_address() {
    let sim = support::start(support::fast_config()).await;
    let id = visible_contact(&sim, "byemail@example.com").await;
    let request = json!({
        "inputs": [{"id": "ByEmail@example.com"}, {"id": "nobody@example.com"}],
        "properties": ["email"],
        "propertiesWithHistory": [],
        "idProperty": "email",
    });
    let response = post(&sim, "/crm/objects/2026-03/contacts/batch/read", &request).await;
    assert_eq!(response.status(), 207);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["results"][0]["id"], id.as_str());
    assert_eq!(
        body["errors"][0]["context"]["ids"],
        json!(["nobody@example.com"])
    );
    let too_many: Vec<Value> = (1..=101).map(|i| json!({"id": i.to_string()})).collect();
    let response = post(
        &sim,
        "/crm/v3/objects/contacts/batch/read",
        &json!({"inputs": too_many, "properties": []}),
    )
    .await;
    assert_eq!(response.status(), 400);
    let unknown_version = post(&sim, "/crm/objects/2024-01/contacts/batch/read", &request).await;
    assert_eq!(unknown_version.status(), 404);
    sim.stop().await;
}

#[tokio::test]
async fn dated_single_reads_match_the_dated_schema() {
    let spec = Spec::load("crm-contacts-2026-09");
    let sim = support::start(support::fast_config()).await;
    let id = visible_contact(&sim, "dated@example.com").await;
    let response = get(
        &sim,
        &format!("/crm/objects/2026-09/contacts/{id}?properties=email"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    spec.validate_strict("SimplePublicObjectWithAssociations", &body);
    assert_eq!(body["properties"]["email"], "dated@example.com");
    let missing = get(&sim, "/crm/objects/2026-09/contacts/4242").await;
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.expect("json");
    spec.validate("Error", &body);
    sim.stop().await;
}

#[tokio::test]
async fn the_legacy_batch_of_profiles_leaves_unknown_vids_out() {
    let sim = support::start(support::fast_config()).await;
    let id = visible_contact(&sim, "profiles@example.com").await;
    let path = format!("/contacts/v1/contact/vids/batch/?vid={id}&vid=4242&formSubmissionMode=all");
    let response = get(&sim, &path).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let profiles = body.as_object().expect("an object keyed by vid");
    assert_eq!(profiles.len(), 1);
    let submissions = &profiles[&id]["form-submissions"];
    assert_eq!(submissions[0]["form-id"], DEFAULT_FORM_GUID);
    assert!(submissions[0]["timestamp"].as_u64().is_some());
    sim.stop().await;
}
