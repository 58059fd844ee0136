//! Forms submit: acceptance, HubSpot's 400 body and errorTypes.

use serde_json::{Value, json};

use crate::support::{self, HUTK};

async fn error_types(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json body");
    assert_eq!(body["status"], "error");
    assert!(body["message"].is_string());
    assert!(body["correlationId"].is_string());
    body["errors"]
        .as_array()
        .expect("errors[]")
        .iter()
        .map(|e| {
            assert!(e["message"].is_string(), "{e}");
            e["errorType"].as_str().expect("errorType").to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_valid_submission_is_accepted_and_processed_later() {
    let sim = support::start(support::fast_config()).await;
    let response =
        support::submit(&sim, &support::signup_body("Ann@Example.com", Some(HUTK))).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["inlineMessage"], "Thanks for submitting the form.");
    assert_eq!(sim.submissions().len(), 1);
    assert!(sim.wait_idle(std::time::Duration::from_secs(10)).await);
    let contact = sim
        .contact_by_email("ann@example.com")
        .expect("contact created");
    assert_eq!(contact.property("firstname"), Some("Ann"));
    assert_eq!(
        contact.property("hs_analytics_source"),
        Some("DIRECT_TRAFFIC")
    );
    assert_eq!(
        contact.property("hs_analytics_source_data_2"),
        Some(sim.config().forms[0].guid.as_str())
    );
    assert!(contact.id > u64::from(u32::MAX), "ids exceed 32 bits");
    assert_eq!(contact.form_submissions.len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn invalid_submissions_get_hubspot_error_types() {
    let sim = support::start(support::fast_config()).await;
    let bad_email = support::signup_body("not-an-email", None);
    assert_eq!(
        error_types(support::submit(&sim, &bad_email).await).await,
        ["INVALID_EMAIL"]
    );

    let missing = json!({ "fields": [{ "name": "firstname", "value": "Ann" }] });
    assert_eq!(
        error_types(support::submit(&sim, &missing).await).await,
        ["REQUIRED_FIELD"]
    );

    let unknown = json!({ "fields": [
        { "name": "email", "value": "a@example.com" },
        { "name": "favourite_colour", "value": "red" },
    ]});
    assert_eq!(
        error_types(support::submit(&sim, &unknown).await).await,
        ["FIELD_NOT_IN_FORM_DEFINITION"]
    );

    let many: Vec<Value> = (0..1001)
        .map(|i| json!({ "name": "firstname", "value": i.to_string() }))
        .collect();
    assert_eq!(
        error_types(support::submit(&sim, &json!({ "fields": many })).await).await,
        ["MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED"]
    );

    let bad_hutk = support::signup_body("a@example.com", Some("not-a-hutk"));
    assert_eq!(
        error_types(support::submit(&sim, &bad_hutk).await).await,
        ["INVALID_HUTK"]
    );

    let bad_context = json!({
        "fields": [{ "name": "email", "value": "a@example.com" }],
        "context": { "ipAddress": "300.1.1.1", "pageUri": "nope", "colour": "red" },
    });
    let mut types = error_types(support::submit(&sim, &bad_context).await).await;
    types.sort();
    assert_eq!(
        types,
        ["INVALID_IP_ADDRESS", "INVALID_METADATA", "INVALID_PAGE_URI"]
    );

    assert!(
        sim.submissions().is_empty(),
        "rejected submissions leave no trace"
    );
    sim.stop().await;
}

#[tokio::test]
async fn secure_submit_needs_a_token_and_accepts_undefined_fields() {
    let sim = support::start(support::fast_config()).await;
    let config = sim.config();
    let path = format!(
        "/submissions/v3/integration/secure/submit/{}/{}",
        config.portal_id, config.forms[0].guid
    );
    let body = json!({ "fields": [
        { "name": "email", "value": "b@example.com" },
        { "name": "favourite_colour", "value": "red" },
    ]});
    let anonymous = support::post_json(&format!("{}{path}", sim.base_url()), &body).await;
    assert_eq!(anonymous.status(), 401);
    let response = support::api_post(&sim, &path, &body).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .contains_key("x-hubspot-ratelimit-remaining")
    );
    sim.stop().await;
}

#[tokio::test]
async fn an_unknown_form_or_portal_is_not_found() {
    let sim = support::start(support::fast_config()).await;
    let url = format!(
        "{}/submissions/v3/integration/submit/{}/{}",
        sim.base_url(),
        sim.config().portal_id,
        "ffffffff-0000-0000-0000-000000000000"
    );
    let body = support::signup_body("a@example.com", None);
    let response = support::post_json(&url, &body).await;
    assert_eq!(response.status(), 404);
    let url = format!(
        "{}/submissions/v3/integration/submit/1/{}",
        sim.base_url(),
        sim.config().forms[0].guid
    );
    let response = support::post_json(&url, &body).await;
    assert_eq!(response.status(), 404);
    sim.stop().await;
}
