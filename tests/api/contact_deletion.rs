//! A `contact.deletion` ends the checks of the contact's open signups
//! (`worker_batches` follows that path); for a contact the reactor never
//! waited for, it writes nothing.

use serde_json::json;
use signup_reactor::worker::{ConsumeOutcome, EventConsumer};

use crate::support::driven::driven;
use crate::support::stack::eventually;
use crate::support::webhooks::deletion;

#[tokio::test]
async fn a_deletion_of_a_contact_without_open_signups_writes_nothing() {
    let d = driven().await;
    let contact = 4_400_017u64;
    let deletion = json!([deletion(91, contact)]);
    assert_eq!(d.app.post_webhook(&deletion).await.status(), 204);
    assert!(
        eventually(std::time::Duration::from_secs(10), || async {
            d.app.stream_len().await > 0
        })
        .await
    );
    let consumer = EventConsumer::new(d.ctx.clone());
    let mut consumed = 0;
    while let Ok(outcome) = consumer.process_next().await {
        match outcome {
            ConsumeOutcome::Idle => break,
            ConsumeOutcome::Consumed { .. } => consumed += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(consumed, 1, "the deletion was consumed");
    let left: Vec<String> = d
        .app
        .all_keys()
        .await
        .into_iter()
        .filter(|k| k.contains("{signups}"))
        .collect();
    assert!(left.is_empty(), "a deletion without signups wrote {left:?}");
}
