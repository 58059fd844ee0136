use serde_json::json;

use crate::support::app::TestApp;
use crate::support::webhooks::{creation, property_change, with_attempt};

#[tokio::test]
async fn a_valid_v3_batch_is_recorded() {
    let app = TestApp::spawn().await;
    let batch = json!([
        creation(1, 9_007_199_254_740_993, 0),
        property_change(2, 501, "email", "ann@example.com"),
        {"eventId": 3, "subscriptionType": "contact.deletion", "portalId": 62515, "objectId": 9},
        {"eventId": 4, "subscriptionType": "company.creation", "objectId": 10, "brandNewField": true},
    ]);
    let response = app.post_webhook(&batch).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        app.stream_contacts_sorted().await,
        vec!["501", "9", "9007199254740993"]
    );

    // Every key lives under the prefix: two partitions' streams (contacts 9
    // and 2^53+1 share one), three markers, the partition count; dedupe
    // markers carry the dedupe window.
    let keys = app.all_keys().await;
    assert_eq!(keys.len(), 6, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with(&app.prefix)), "{keys:?}");
    let markers: Vec<&String> = keys.iter().filter(|k| k.contains(":s:")).collect();
    assert_eq!(markers.len(), 3, "{keys:?}");
    let mut conn = app.redis_conn().await;
    for key in markers {
        let ttl: i64 = redis::cmd("TTL")
            .arg(key)
            .query_async(&mut conn)
            .await
            .expect("TTL");
        assert!((72 * 3600 - 60..=72 * 3600).contains(&ttl), "ttl {ttl}");
    }
}

#[tokio::test]
async fn property_values_are_not_stored() {
    let app = TestApp::spawn().await;
    let batch = json!([property_change(2, 501, "email", "ann@example.com")]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    let text = format!("{:?}", app.stream_entries().await);
    assert!(text.contains("propertyName"), "{text}");
    assert!(!text.contains("ann@example.com"), "{text}");
}

#[tokio::test]
async fn a_redelivery_with_a_higher_attempt_number_records_nothing_new() {
    let app = TestApp::spawn().await;
    let batch = json!([creation(1, 100, 0), creation(2, 101, 0)]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(app.stream_len().await, 2);
    for attempt in 1..=3 {
        let retry = with_attempt(&batch, attempt);
        assert_eq!(app.post_webhook(&retry).await.status(), 204);
    }
    assert_eq!(app.stream_len().await, 2);

    // A batch mixing old and new events records only the new one.
    let mixed = json!([creation(1, 100, 4), creation(3, 102, 0)]);
    assert_eq!(app.post_webhook(&mixed).await.status(), 204);
    assert_eq!(
        app.stream_contacts_sorted().await,
        vec!["100", "101", "102"]
    );
}

#[tokio::test]
async fn same_event_id_with_other_fields_is_a_different_event() {
    let app = TestApp::spawn().await;
    let batch = json!([creation(7, 100, 0), creation(7, 200, 0)]);
    assert_eq!(app.post_webhook(&batch).await.status(), 204);
    assert_eq!(app.stream_contacts_sorted().await, vec!["100", "200"]);
}

#[tokio::test]
async fn twenty_concurrent_copies_record_each_event_once() {
    let app = TestApp::spawn().await;
    let batch = json!(
        (0..50)
            .map(|i| creation(i, 1000 + i, 0))
            .collect::<Vec<_>>()
    );
    let copies = (0..20).map(|attempt| {
        let copy = with_attempt(&batch, attempt % 3);
        let app = &app;
        async move { app.post_webhook(&copy).await.status() }
    });
    let statuses = futures_util::future::join_all(copies).await;
    assert!(statuses.iter().all(|s| *s == 204), "{statuses:?}");
    let mut contacts = app.stream_contacts().await;
    contacts.sort();
    let mut expected: Vec<String> = (0..50).map(|i| (1000 + i).to_string()).collect();
    expected.sort();
    assert_eq!(contacts, expected);
}

#[tokio::test]
async fn events_of_other_portals_and_empty_batches_are_accepted_but_not_recorded() {
    let app = TestApp::spawn().await;
    let mut foreign = creation(1, 100, 0);
    foreign["portalId"] = json!(999);
    assert_eq!(app.post_webhook(&json!([foreign])).await.status(), 204);
    assert_eq!(app.post_webhook(&json!([])).await.status(), 204);
    assert_eq!(app.stream_len().await, 0);
}
