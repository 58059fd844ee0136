use std::time::Duration;

use hubspot_simulator::{DelayRange, DeliveryOutcome};

use crate::support::stack::{
    EMAIL_ID, Stack, eventually, post_form_entry, sent_per_recipient, signup_body,
};

#[tokio::test]
async fn the_seed_race_the_email_waits_for_the_contact_and_its_form_submission() {
    let stack = Stack::start(
        |sim| {
            // The webhook goes out at once; the contact only becomes visible later.
            sim.processing_delay = DelayRange::ms(2_000, 4_000);
            sim.visibility_lag = DelayRange::ms(20_000, 30_000);
            sim.webhooks.dispatch_delay = DelayRange::fixed(0);
        },
        |_| {},
    )
    .await;
    let emails: Vec<String> = (0..5).map(|i| format!("race{i}@example.com")).collect();
    stack.sign_up_all(&emails).await;
    stack.expect_emails(&emails, Duration::from_secs(20)).await;
    let deliveries = stack.sim.deliveries();
    for email in &emails {
        let contact = stack.sim.contact_by_email(email).expect("contact");
        assert_ne!(
            contact.property("hs_analytics_source"),
            Some("OFFLINE"),
            "{email} lost its attribution"
        );
        let record = stack
            .sim
            .emails()
            .into_iter()
            .find(|e| &e.to == email)
            .expect("email record");
        assert!(
            record.contact_visible,
            "{email}: sent before the contact was visible"
        );
        assert!(
            !record.created_contact,
            "{email}: Single Send created the contact"
        );
        assert_eq!(record.email_id, EMAIL_ID);
        assert!(
            record.contact_properties.is_empty(),
            "no contactProperties may be sent"
        );
        assert_eq!(
            record.custom_properties["verify_url"],
            format!("https://app.example.com/verify?e={email}")
        );
        let landed = contact
            .form_submissions
            .iter()
            .map(|s| s.timestamp)
            .min()
            .expect("form submission");
        assert!(
            record.requested_at >= landed,
            "{email}: sent before the form submission landed"
        );
        let first_delivery = deliveries
            .iter()
            .map(|d| d.started_at)
            .min()
            .expect("a delivery");
        assert!(
            first_delivery < contact.visible_at,
            "the webhook must precede visibility in this test"
        );
    }
    assert_eq!(
        sent_per_recipient(&stack.sim).values().copied().max(),
        Some(1)
    );
}

#[tokio::test]
async fn events_delivered_three_times_and_reordered_give_one_email_per_contact() {
    let stack = Stack::start(
        |sim| {
            sim.processing_delay = DelayRange::ms(100, 2_000);
            sim.webhooks.duplicate_probability = 1.0;
            sim.webhooks.reorder_probability = 0.5;
            sim.webhooks.reorder_delay_ms = 1_000;
        },
        |_| {},
    )
    .await;
    let emails: Vec<String> = (0..20).map(|i| format!("dup{i}@example.com")).collect();
    stack.sign_up_all(&emails).await;
    stack.expect_emails(&emails, Duration::from_secs(20)).await;
    assert!(
        stack.sim.stats().duplicate_deliveries > 0,
        "the simulator duplicated nothing"
    );
    // Redeliver every event once more by hand, as a third copy.
    let events: Vec<serde_json::Value> = stack
        .sim
        .events()
        .iter()
        .map(|e| serde_json::to_value(e).expect("event json"))
        .collect();
    for chunk in events.chunks(50) {
        let mut batch = serde_json::Value::Array(chunk.to_vec());
        batch.as_array_mut().expect("array").reverse();
        assert_eq!(stack.app.post_webhook(&batch).await.status(), 204);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent = sent_per_recipient(&stack.sim);
    assert_eq!(sent.len(), emails.len());
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
}

#[tokio::test]
async fn a_contact_created_without_a_signup_gets_no_email() {
    let stack = Stack::default_stack().await;
    // A sales rep's form entry or an import: it reaches HubSpot, not the reactor.
    post_form_entry(&stack.sim, "import@example.com").await;
    let consumed = eventually(Duration::from_secs(15), || async {
        stack.sim.contact_by_email("import@example.com").is_some()
            && !stack.sim.deliveries().is_empty()
            && stack.app.stream_len().await == 0
    })
    .await;
    assert!(consumed, "the import's events were never consumed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        stack.sim.emails().is_empty(),
        "no email to a contact that did not sign up"
    );
    let kept: Vec<String> = stack
        .app
        .all_keys()
        .await
        .into_iter()
        // The early-check marker and the created contacts expire on their own.
        .filter(|k| {
            !k.contains("{events")
                && !k.ends_with("{signups}:early")
                && !k.ends_with("{signups}:created")
        })
        .collect();
    assert!(
        kept.iter()
            .all(|k| k.contains("ratelimit:") || k.contains("sweep:lock")),
        "a contact without a signup leaves no state: {kept:?}"
    );
}

#[tokio::test]
async fn a_signup_whose_webhook_never_comes_is_still_sent() {
    let stack = Stack::start(
        |_| {},
        |config| {
            config.worker.sweep_after = Duration::from_millis(300);
            config.worker.sweep_interval = Duration::from_millis(100);
        },
    )
    .await;
    stack.sim.set_webhook_target(None);
    let email = "nohook@example.com".to_owned();
    assert_eq!(
        stack.app.signup(&signup_body(&email), None).await.status(),
        202
    );
    stack
        .expect_emails(std::slice::from_ref(&email), Duration::from_secs(20))
        .await;
    let delivered = stack
        .sim
        .deliveries()
        .iter()
        .filter(|d| d.outcome == DeliveryOutcome::Delivered)
        .count();
    assert_eq!(delivered, 0, "no webhook reached the reactor");
    let record = stack
        .sim
        .emails()
        .into_iter()
        .find(|e| e.to == email)
        .expect("email");
    assert!(record.contact_visible && !record.created_contact);
    let retired = eventually(Duration::from_secs(5), || async {
        let mut conn = stack.app.redis_conn().await;
        let open: u64 = redis::cmd("ZCARD")
            .arg(format!("{}{{signups}}:open", stack.app.prefix))
            .query_async(&mut conn)
            .await
            .expect("ZCARD");
        open == 0
    })
    .await;
    assert!(retired, "the signup is no longer open after its send");
}
