//! The attribution race: a Single Send issued before the form submission is
//! processed creates the contact with Original Source OFFLINE, and the later
//! form processing does not repair it.

use std::time::Duration;

use hubspot_simulator::{CreatedBy, DelayRange};
use serde_json::{Value, json};

use crate::support::{self, HUTK, Spec};

fn send_body(email: &str, send_id: Option<&str>) -> Value {
    let mut message = json!({ "to": email });
    if let Some(id) = send_id {
        message["sendId"] = json!(id);
    }
    json!({
        "emailId": 4242,
        "message": message,
        "contactProperties": { "firstname": "Ann", "lastname": "Lee" },
        "customProperties": { "verify_url": "https://app.example.com/verify?t=abc" },
    })
}

#[tokio::test]
async fn single_send_before_processing_makes_an_offline_contact_that_the_form_does_not_fix() {
    let spec = Spec::load("transactional-single-send-v3");
    let mut config = support::fast_config();
    config.processing_delay = DelayRange::fixed(100_000); // 1 s scaled: the send must win even on a loaded machine
    let sim = support::start(config).await;
    let email = "race@example.com";
    assert_eq!(
        support::submit(&sim, &support::signup_body(email, Some(HUTK)))
            .await
            .status(),
        200
    );

    let request = send_body(email, Some("verify-race"));
    // The spec types customProperties values as objects, a code-generation
    // artifact (HubSpot's SDK takes any JSON value; strings in practice), so
    // the rest of the request is checked strictly and that map is left out.
    let mut checked = request.clone();
    checked.as_object_mut().unwrap().remove("customProperties");
    spec.validate_strict("PublicSingleSendRequestEgg", &checked);
    let response = support::single_send(&sim, &request).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    spec.validate_strict("EmailSendStatusView", &body);

    let emails = sim.emails();
    assert_eq!(emails.len(), 1);
    assert!(emails[0].sent && emails[0].created_contact && !emails[0].contact_visible);

    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let contact = sim.contact_by_email(email).expect("one contact");
    assert_eq!(sim.contacts().len(), 1, "the form updated the same contact");
    assert_eq!(contact.created_by, CreatedBy::SingleSend);
    assert_eq!(contact.property("hs_analytics_source"), Some("OFFLINE"));
    assert_eq!(contact.property("hs_analytics_source_data_1"), Some("API"));
    assert_eq!(
        contact.property("lastname"),
        Some("Lee"),
        "contactProperties written"
    );
    assert_eq!(contact.form_submissions.len(), 1, "the form did land");
    let firstname = &contact.properties["firstname"];
    assert_eq!(
        firstname[0].source_type, "API",
        "the form's equal value adds no version"
    );
    let email_history = &contact.properties["email"];
    assert_eq!(
        email_history.last().map(|v| v.source_type.as_str()),
        Some("API")
    );
    sim.stop().await;
}

#[tokio::test]
async fn single_send_after_processing_keeps_the_form_attribution() {
    let mut config = support::fast_config();
    config
        .hutk_sources
        .insert(HUTK.to_owned(), "ORGANIC_SEARCH".to_owned());
    let sim = support::start(config).await;
    let email = "patient@example.com";
    support::submit(&sim, &support::signup_body(email, Some(HUTK))).await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let visible = support::eventually(Duration::from_secs(5), || {
        sim.contact_by_email(email).filter(|c| c.visible_now())
    })
    .await;
    assert!(visible.is_some());

    let response =
        support::single_send(&sim, &json!({ "emailId": 1, "message": { "to": email } })).await;
    assert_eq!(response.status(), 200);
    let emails = sim.emails();
    assert!(emails[0].contact_existed && emails[0].contact_visible && !emails[0].created_contact);
    let contact = sim.contact_by_email(email).unwrap();
    assert_eq!(contact.created_by, CreatedBy::Form);
    assert_eq!(
        contact.property("hs_analytics_source"),
        Some("ORGANIC_SEARCH")
    );
    sim.stop().await;
}
