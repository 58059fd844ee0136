//! The `/_sim/` inspection API reports what the handle reports.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{self, HUTK};

async fn get(base: &str, path: &str) -> Value {
    let response = support::client()
        .get(format!("{base}/_sim/{path}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn inspection_shows_contacts_emails_and_stats() {
    let mut config = support::fast_config();
    config.processing_delay = hubspot_simulator::DelayRange::fixed(100_000);
    let sim = support::start(config).await;
    let base = sim.base_url();
    support::submit(&sim, &support::signup_body("ins@example.com", Some(HUTK))).await;
    support::single_send(
        &sim,
        &json!({ "emailId": 3, "message": { "to": "ins@example.com", "sendId": "s-1" } }),
    )
    .await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);

    let contacts = get(&base, "contacts").await;
    assert_eq!(contacts.as_array().map(Vec::len), Some(1));
    let contact = get(&base, "contacts/INS@example.com").await;
    assert_eq!(contact["email"], "ins@example.com");
    assert_eq!(
        contact["properties"]["hs_analytics_source"][0]["value"],
        "OFFLINE"
    );
    assert_eq!(contact["formSubmissions"].as_array().map(Vec::len), Some(1));
    let by_id = get(&base, &format!("contacts/{}", contact["id"])).await;
    assert_eq!(by_id["id"], contact["id"]);

    let emails = get(&base, "emails").await;
    assert_eq!(emails[0]["sendId"], "s-1");
    assert_eq!(emails[0]["to"], "ins@example.com");
    assert_eq!(emails[0]["contactVisible"], false);
    assert!(emails[0]["requestedAt"].is_u64());

    let stats = get(&base, "stats").await;
    assert_eq!(stats["contacts"], 1);
    assert_eq!(stats["emailsSent"], 1);
    assert_eq!(stats["submissionsProcessed"], 1);
    assert_eq!(stats["pendingWork"], 0);
    assert_eq!(
        get(&base, "submissions").await.as_array().map(Vec::len),
        Some(1)
    );
    assert!(get(&base, "events").await.is_array());
    assert!(get(&base, "deliveries").await.is_array());
    let missing = support::client()
        .get(format!("{base}/_sim/contacts/42"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    sim.stop().await;
}
