//! `subscriptions sync` against the simulator's Webhooks API: idempotent on
//! every API generation, and plain about project apps and secrets.

use secrecy::SecretString;
use signup_reactor::hubspot::webhooks_api::WebhooksApiVersion;
use signup_reactor::ops::subscriptions::{SyncArgs, SyncError, sync};

use crate::support::binary::{output_text, reactor};
use crate::support::stack::Stack;

const TARGET: &str = "https://hooks.example.com/webhooks/hubspot";

async fn stack_without_subscriptions() -> Stack {
    Stack::start(
        |sim| {
            sim.webhooks.subscribe_creation = false;
            sim.webhooks.subscribed_properties.clear();
        },
        |_| {},
    )
    .await
}

fn args(stack: &Stack, version: WebhooksApiVersion) -> SyncArgs {
    let config = stack.sim.config();
    SyncArgs {
        app_id: Some(u64::from(config.app_id)),
        developer_api_key: Some(SecretString::from(config.developer_api_key.clone())),
        target_url: Some(TARGET.into()),
        api_base_url: stack.sim.base_url(),
        api_version: version,
        properties: vec!["email".into()],
        max_concurrent_requests: 10,
    }
}

#[tokio::test]
async fn sync_sets_the_target_and_subscriptions_once_on_every_api_generation() {
    let stack = stack_without_subscriptions().await;
    let first = sync(&args(&stack, WebhooksApiVersion::V2026_09))
        .await
        .expect("first sync");
    assert!(first[0].contains(&format!("set to {TARGET}")), "{first:?}");
    assert!(first[1].contains("contact.creation: created"), "{first:?}");
    assert!(
        first[2].contains("contact.propertyChange (email): created"),
        "{first:?}"
    );
    assert!(first[3].contains("contact.deletion: created"), "{first:?}");
    assert_eq!(first.len(), 4, "{first:?}");
    assert_eq!(stack.sim.webhook_target().as_deref(), Some(TARGET));
    // The same app seen through every generation: nothing left to change.
    for version in [
        WebhooksApiVersion::V2026_09,
        WebhooksApiVersion::V2026_03,
        WebhooksApiVersion::V3,
    ] {
        let again = sync(&args(&stack, version)).await.expect("sync again");
        assert_eq!(again.len(), 4, "{again:?}");
        assert!(
            again.iter().all(|line| line.contains("unchanged")),
            "{version:?}: {again:?}"
        );
    }
}

#[tokio::test]
async fn a_missing_app_id_or_an_app_the_key_does_not_manage_points_to_hs_project_upload() {
    let stack = stack_without_subscriptions().await;
    let target_before = stack.sim.webhook_target();
    let missing = SyncArgs {
        app_id: None,
        ..args(&stack, WebhooksApiVersion::default())
    };
    let error = sync(&missing).await.expect_err("no app id");
    assert!(matches!(error, SyncError::MissingAppId), "{error:?}");
    assert!(error.to_string().contains("hs project upload"), "{error}");

    let other_app = SyncArgs {
        app_id: Some(u64::from(stack.sim.config().app_id) + 1),
        ..args(&stack, WebhooksApiVersion::default())
    };
    let error = sync(&other_app).await.expect_err("unknown app");
    assert!(
        matches!(error, SyncError::NotALegacyPublicApp { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("hs project upload") && text.contains("deploy/hubspot/"),
        "{text}"
    );
    assert_eq!(
        stack.sim.webhook_target(),
        target_before,
        "nothing was changed"
    );

    let wrong_key = SyncArgs {
        developer_api_key: Some(SecretString::from("nope")),
        ..args(&stack, WebhooksApiVersion::default())
    };
    let error = sync(&wrong_key).await.expect_err("wrong key");
    assert!(matches!(error, SyncError::BadDeveloperKey(_)), "{error:?}");
}

#[tokio::test]
async fn a_transport_error_shows_neither_the_developer_key_nor_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    drop(listener);
    let key = "dev-key-3b9e51";
    let output = reactor(&["subscriptions", "sync"])
        .env("HUBSPOT_APP_ID", "4242")
        .env("HUBSPOT_DEVELOPER_API_KEY", key)
        .env("WEBHOOK_PUBLIC_URL", TARGET)
        .env("HUBSPOT_API_BASE_URL", &closed)
        .output()
        .await
        .expect("run signup-reactor");
    assert!(!output.status.success());
    let shown = output_text(&output);
    assert!(shown.contains("could not reach HubSpot"), "{shown}");
    for secret in [key, "hapikey", "/app-webhooks/"] {
        assert!(!shown.contains(secret), "{secret} shown: {shown}");
    }

    let missing = reactor(&["subscriptions", "sync"])
        .output()
        .await
        .expect("run signup-reactor");
    let text = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success());
    assert!(
        text.contains("HUBSPOT_APP_ID is not set") && text.contains("hs project upload"),
        "{text}"
    );
}

#[tokio::test]
async fn the_binary_subscribes_contact_deletions_once() {
    let stack = stack_without_subscriptions().await;
    let config = stack.sim.config();
    let run = || {
        reactor(&["subscriptions", "sync"])
            .env("HUBSPOT_APP_ID", config.app_id.to_string())
            .env("HUBSPOT_DEVELOPER_API_KEY", &config.developer_api_key)
            .env("WEBHOOK_PUBLIC_URL", TARGET)
            .env("HUBSPOT_API_BASE_URL", stack.sim.base_url())
            .output()
    };
    let first = run().await.expect("run signup-reactor");
    let shown = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{shown}");
    assert!(shown.contains("contact.deletion: created"), "{shown}");
    let again = run().await.expect("run signup-reactor");
    let shown = String::from_utf8_lossy(&again.stdout);
    assert!(
        shown.contains("contact.deletion: unchanged") && !shown.contains("created"),
        "{shown}"
    );
}
