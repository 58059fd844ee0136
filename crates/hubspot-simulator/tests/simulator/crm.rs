//! CRM reads: eventual visibility, v3 shapes per the official schema, lookups
//! by email, history, and the legacy profile with form submissions.

use std::time::Duration;

use hubspot_simulator::DelayRange;
use serde_json::Value;

use crate::support::{self, HUTK, Spec, TOKEN};

#[tokio::test]
async fn a_contact_is_invisible_until_processed_then_matches_the_schema() {
    let spec = Spec::load("crm-contacts-v3");
    let mut config = support::fast_config();
    config.processing_delay = DelayRange::fixed(100_000); // 1 s scaled
    config.visibility_lag = DelayRange::fixed(0);
    let sim = support::start(config).await;
    let email = "carol@example.com";
    assert_eq!(
        support::submit(&sim, &support::signup_body(email, Some(HUTK)))
            .await
            .status(),
        200
    );

    let early = support::get_contact(&sim, &format!("{email}?idProperty=email")).await;
    assert_eq!(early.status(), 404);
    let body: Value = early.json().await.unwrap();
    spec.validate("Error", &body);
    assert_eq!(body["category"], "OBJECT_NOT_FOUND");

    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let by_email = support::get_contact(&sim, &format!("{email}?idProperty=email")).await;
    assert_eq!(by_email.status(), 200);
    let body: Value = by_email.json().await.unwrap();
    spec.validate_strict("SimplePublicObjectWithAssociations", &body);
    assert_eq!(body["properties"]["email"], email);
    assert_eq!(body["properties"]["firstname"], "Ann");

    let id = body["id"].as_str().unwrap().to_owned();
    let query = format!(
        "{id}?properties=email,hs_analytics_source&propertiesWithHistory=firstname&archived=false"
    );
    let by_id: Value = support::get_contact(&sim, &query)
        .await
        .json()
        .await
        .unwrap();
    spec.validate_strict("SimplePublicObjectWithAssociations", &by_id);
    let properties = by_id["properties"].as_object().unwrap();
    assert_eq!(
        properties.len(),
        2,
        "only the requested properties: {properties:?}"
    );
    assert_eq!(
        by_id["propertiesWithHistory"]["firstname"][0]["sourceType"],
        "FORM"
    );

    let archived = support::get_contact(&sim, &format!("{id}?archived=true")).await;
    assert_eq!(archived.status(), 404);
    let unknown = support::get_contact(&sim, "99").await;
    assert_eq!(unknown.status(), 404);
    sim.stop().await;
}

#[tokio::test]
async fn the_legacy_profile_lists_form_submissions() {
    let sim = support::start(support::fast_config()).await;
    let email = "dave@example.com";
    support::submit(&sim, &support::signup_body(email, Some(HUTK))).await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let contact = sim.contact_by_email(email).unwrap();
    let url = format!(
        "{}/contacts/v1/contact/vid/{}/profile?formSubmissionMode=all&propertyMode=value_and_history",
        sim.base_url(),
        contact.id
    );
    let response = support::client()
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["vid"].as_u64(), Some(contact.id));
    assert_eq!(body["canonical-vid"].as_u64(), Some(contact.id));
    let submission = &body["form-submissions"][0];
    assert_eq!(submission["form-id"], sim.config().forms[0].guid.as_str());
    assert!(submission["conversion-id"].is_string());
    assert!(submission["timestamp"].as_u64().is_some());
    assert_eq!(submission["page-url"], "https://app.example.com/signup");
    assert_eq!(submission["title"], "Sign up");
    assert_eq!(
        submission["portal-id"].as_u64(),
        Some(sim.config().portal_id)
    );
    let email_versions = &body["properties"]["email"]["versions"];
    assert_eq!(email_versions[0]["source-type"], "FORM");

    let missing = format!("{}/contacts/v1/contact/vid/42/profile", sim.base_url());
    let response = support::client()
        .get(&missing)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    sim.stop().await;
}
