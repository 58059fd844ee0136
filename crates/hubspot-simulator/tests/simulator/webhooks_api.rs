//! The Webhooks v3 developer API: hapikey auth, settings and subscriptions
//! per the official schema, and their effect on deliveries.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{self, HUTK, Receiver, Spec};

#[tokio::test]
async fn settings_and_subscriptions_follow_the_spec_and_steer_deliveries() {
    let spec = Spec::load("webhooks-v3");
    let receiver = Receiver::ok().await;
    let sim = support::start(support::fast_config()).await;
    let config = sim.config().clone();
    let base = format!("{}/webhooks/v3/{}", sim.base_url(), config.app_id);
    let key = [("hapikey", config.developer_api_key.as_str())];
    let client = support::client();

    let anonymous = client
        .get(format!("{base}/subscriptions"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    spec.validate("Error", &anonymous.json().await.unwrap());
    let wrong = client
        .get(format!("{base}/subscriptions"))
        .query(&[("hapikey", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let listed = client
        .get(format!("{base}/subscriptions"))
        .query(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.unwrap();
    spec.validate_strict("SubscriptionListResponse", &listed);
    let count = listed["results"].as_array().unwrap().len();
    assert_eq!(count, 1 + config.webhooks.subscribed_properties.len());

    let create =
        json!({ "eventType": "contact.propertyChange", "propertyName": "company", "active": true });
    spec.validate_strict("SubscriptionCreateRequest", &create);
    let created = client
        .post(format!("{base}/subscriptions"))
        .query(&key)
        .json(&create)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    spec.validate_strict("SubscriptionResponse", &created.json().await.unwrap());

    let none = client
        .get(format!("{base}/settings"))
        .query(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 404, "no target configured yet");
    let change =
        json!({ "targetUrl": receiver.url, "throttling": { "maxConcurrentRequests": 10 } });
    spec.validate_strict("SettingsChangeRequest", &change);
    let put = client
        .put(format!("{base}/settings"))
        .query(&key)
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    // `throttling.period` is not in the schema but is in the spec's own example.
    spec.validate("SettingsResponse", &put.json().await.unwrap());
    let got: Value = client
        .get(format!("{base}/settings"))
        .query(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    spec.validate("SettingsResponse", &got);
    assert_eq!(got["targetUrl"], receiver.url.as_str());
    assert_eq!(sim.webhook_target().as_deref(), Some(receiver.url.as_str()));

    let other_app = format!(
        "{}/webhooks/v3/{}/subscriptions",
        sim.base_url(),
        config.app_id + 1
    );
    assert_eq!(
        client
            .get(other_app)
            .query(&key)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let mut body = support::signup_body("sub@example.com", Some(HUTK));
    body["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "company", "value": "Acme" }));
    support::submit(&sim, &body).await;
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let company = receiver
        .all_events()
        .into_iter()
        .find(|e| e["propertyName"] == "company");
    assert_eq!(
        company.map(|e| e["propertyValue"].clone()),
        Some(json!("Acme"))
    );
    sim.stop().await;
    receiver.stop().await;
}
