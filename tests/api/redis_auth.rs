//! Credentials in `REDIS_URL`, on one node and on a Redis Cluster: with the
//! right password (or ACL user) the reactor is ready and records webhooks;
//! with a wrong one it answers 503 to `/readyz` and to webhooks (HubSpot
//! retries) rather than pretending to work.

use serde_json::json;
use signup_reactor::startup::Role;

use crate::support::app::TestApp;
use crate::support::redis_cluster::TestCluster;
use crate::support::redis_cluster_nodes::ClusterAccess;
use crate::support::redis_server::TestRedis;
use crate::support::webhooks::creation;

const PASSWORD: &str = "s3cret-pass";

/// A receiver on `url`, which may carry credentials.
async fn receiver(url: String) -> TestApp {
    TestApp::spawn_role(Role::Receiver, TestRedis::external(url), |_| {}).await
}

/// The receiver is ready and records one webhook delivery.
async fn works(app: &TestApp, event_id: u64) {
    assert_eq!(
        app.get_status("/readyz").await,
        200,
        "ready with credentials"
    );
    let before = app.stream_len().await;
    let batch = json!([creation(event_id, 7_000 + event_id, 0)]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(app.stream_len().await, before + 1, "the event was recorded");
}

/// The receiver is not ready and refuses webhooks instead of losing them.
async fn refuses(app: &TestApp) {
    assert_eq!(
        app.get_status("/readyz").await,
        503,
        "not ready with a wrong password"
    );
    let batch = json!([creation(99, 7_099, 0)]);
    assert_eq!(
        app.post_webhook(&batch).await.status(),
        503,
        "a webhook that cannot be recorded is refused, so that HubSpot retries it"
    );
}

#[tokio::test]
async fn a_password_and_an_acl_user_in_the_url_work_on_one_node() {
    let redis = TestRedis::start_secured(
        &[
            "--requirepass",
            PASSWORD,
            "--user",
            "reactor",
            "on",
            ">acl-pass",
            "~*",
            "&*",
            "+@all",
        ],
        &format!(":{PASSWORD}"),
    );
    let with_password = receiver(redis.url.clone()).await;
    works(&with_password, 1).await;

    let with_user = receiver(redis.url_as("reactor:acl-pass")).await;
    works(&with_user, 2).await;

    refuses(&receiver(redis.url_as(":wrong-pass")).await).await;
    refuses(&receiver(redis.url_as("reactor:wrong-pass")).await).await;
    refuses(&receiver(redis.url_as("")).await).await;
}

#[tokio::test]
async fn a_password_in_every_seed_url_works_on_a_cluster() {
    let access = ClusterAccess {
        password: Some(PASSWORD.to_owned()),
        tls: None,
    };
    let cluster = TestCluster::start_with(3, 0, access);
    let app = receiver(cluster.url()).await;
    works(&app, 1).await;
    // Events of many contacts land in several partitions, hence on several
    // slots and nodes, each reached with the seed nodes' credentials.
    let batch: Vec<_> = (10..40).map(|i| creation(i, 8_000 + i, 0)).collect();
    assert_eq!(app.post_webhook(&json!(batch)).await.status(), 204);
    assert_eq!(app.stream_len().await, 31);

    refuses(&receiver(cluster.url_with_password(Some("wrong-pass"))).await).await;
    refuses(&receiver(cluster.url_with_password(None)).await).await;
}
