//! The Webhooks developer API (v3 and the dated roots): hapikey auth,
//! settings and subscriptions per the official schemas, and their effect on
//! deliveries.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::dev_api::DevApi;
use crate::receiver::Receiver;
use crate::support::{self, HUTK, Spec};

#[tokio::test]
async fn settings_and_subscriptions_follow_the_spec_and_steer_deliveries() {
    let spec = Spec::load("webhooks-v3");
    let receiver = Receiver::ok().await;
    let sim = support::start(support::fast_config()).await;
    let config = sim.config().clone();
    let api = DevApi::new(&sim, "webhooks/v3", config.app_id);
    let client = support::client();

    let anonymous = client.get(api.url("/subscriptions")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    spec.validate("Error", &anonymous.json().await.unwrap());
    let wrong = client
        .get(api.url("/subscriptions"))
        .query(&[("hapikey", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let listed = api.call(Method::GET, "/subscriptions", None).await;
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.unwrap();
    spec.validate_strict("SubscriptionListResponse", &listed);
    let count = listed["results"].as_array().unwrap().len();
    assert_eq!(count, 1 + config.webhooks.subscribed_properties.len());

    let create =
        json!({ "eventType": "contact.propertyChange", "propertyName": "company", "active": true });
    spec.validate_strict("SubscriptionCreateRequest", &create);
    let created = api
        .call(Method::POST, "/subscriptions", Some(&create))
        .await;
    assert_eq!(created.status(), 201);
    spec.validate_strict("SubscriptionResponse", &created.json().await.unwrap());

    let none = api.call(Method::GET, "/settings", None).await;
    assert_eq!(none.status(), 404, "no target configured yet");
    let change =
        json!({ "targetUrl": receiver.url, "throttling": { "maxConcurrentRequests": 10 } });
    spec.validate_strict("SettingsChangeRequest", &change);
    let put = api.call(Method::PUT, "/settings", Some(&change)).await;
    assert_eq!(put.status(), 200);
    // `throttling.period` is not in the schema but is in the spec's own example.
    spec.validate("SettingsResponse", &put.json().await.unwrap());
    let got = api.get_json("/settings").await;
    spec.validate("SettingsResponse", &got);
    assert_eq!(got["targetUrl"], receiver.url.as_str());
    assert_eq!(sim.webhook_target().as_deref(), Some(receiver.url.as_str()));

    let other_app = DevApi::new(&sim, "webhooks/v3", config.app_id + 1);
    assert_eq!(
        other_app
            .call(Method::GET, "/subscriptions", None)
            .await
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

/// The dated roots serve the same settings and subscriptions, in the shapes of
/// their own specs (throttling without `period`), and share the app's state.
#[tokio::test]
async fn dated_roots_follow_their_specs_and_share_the_apps_state() {
    let sim = support::start(support::fast_config()).await;
    let config = sim.config().clone();
    let client = support::client();
    let initial = 1 + config.webhooks.subscribed_properties.len();
    let roots = [
        (
            "webhooks/2026-03",
            "webhooks-2026-03",
            "https://a.example.com/webhooks/hubspot",
        ),
        (
            "app-webhooks/2026-09",
            "app-webhooks-2026-09",
            "https://b.example.com/webhooks/hubspot",
        ),
    ];
    for (index, (root, spec_name, target)) in roots.into_iter().enumerate() {
        let spec = Spec::load(spec_name);
        let api = DevApi::new(&sim, root, config.app_id);
        let anonymous = client.get(api.url("/settings")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401, "{root}");

        let change = json!({ "targetUrl": target, "throttling": { "maxConcurrentRequests": 7 } });
        spec.validate_strict("SettingsChangeRequest", &change);
        let put = api.call(Method::PUT, "/settings", Some(&change)).await;
        assert_eq!(put.status(), 200, "{root}");
        spec.validate_strict("SettingsResponse", &put.json().await.unwrap());
        let got = api.get_json("/settings").await;
        spec.validate_strict("SettingsResponse", &got);
        assert_eq!(got["throttling"], json!({ "maxConcurrentRequests": 7 }));
        assert_eq!(sim.webhook_target().as_deref(), Some(target));

        let create = json!({ "eventType": "contact.propertyChange", "propertyName": format!("p{index}"), "active": false });
        spec.validate_strict("SubscriptionCreateRequest", &create);
        let created = api
            .call(Method::POST, "/subscriptions", Some(&create))
            .await;
        assert_eq!(created.status(), 201, "{root}");
        let created: Value = created.json().await.unwrap();
        spec.validate_strict("SubscriptionResponse", &created);
        let id = created["id"].as_str().unwrap().to_owned();

        let patch = json!({ "active": true });
        spec.validate_strict("SubscriptionPatchRequest", &patch);
        let patched = api
            .call(Method::PATCH, &format!("/subscriptions/{id}"), Some(&patch))
            .await;
        assert_eq!(patched.status(), 200, "{root}");
        let patched: Value = patched.json().await.unwrap();
        spec.validate_strict("SubscriptionResponse", &patched);
        assert_eq!(patched["active"], true);

        let listed = api.get_json("/subscriptions").await;
        spec.validate_strict("SubscriptionListResponse", &listed);
        assert_eq!(
            listed["results"].as_array().unwrap().len(),
            initial + 1,
            "{root}: one app, one list"
        );
        let deleted = api
            .call(Method::DELETE, &format!("/subscriptions/{id}"), None)
            .await;
        assert_eq!(deleted.status(), 204, "{root}");

        let other_app = DevApi::new(&sim, root, config.app_id + 1);
        let unknown = other_app.call(Method::GET, "/subscriptions", None).await;
        assert_eq!(unknown.status(), 404, "{root}");
    }
    sim.stop().await;
}
