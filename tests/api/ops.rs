use std::time::Duration;

use hubspot_simulator::DelayRange;
use signup_reactor::domain::{Email, SignupStatus};
use signup_reactor::ops::dead_letters::replay;
use signup_reactor::ops::inspect::{Subject, gather, render};
use signup_reactor::store::DeadLetterSource;
use signup_reactor::store::RedisStore;

use crate::support::binary::{reactor, reactor_command};
use crate::support::records::{dead_letters, first_dead_letters};
use crate::support::redis_server::TestRedis;
use crate::support::stack::{Stack, eventually, sent_per_recipient, signup_body, signup_id};

#[tokio::test]
async fn inspect_shows_each_signup_from_submission_to_its_send() {
    inspect_follows_a_signup_to_its_send(TestRedis::start()).await;
}

/// `inspect` (library and binary) on `redis`, from submission to send.
pub async fn inspect_follows_a_signup_to_its_send(redis: TestRedis) {
    let stack = Stack::start_on(
        redis,
        |sim| sim.processing_delay = DelayRange::fixed(500),
        |_| {},
    )
    .await;
    let email = "inspect@example.com".to_owned();
    let signup_id = signup_id(stack.app.signup(&signup_body(&email), None).await).await;
    let store = RedisStore::connect(&stack.app.config.redis).expect("store");
    let address = Email::parse(&email).expect("email");
    let before = gather(&store, Subject::Email(&address))
        .await
        .expect("report");
    assert_eq!(
        before.signups.len(),
        1,
        "the open signup right after the signup"
    );
    assert_eq!(before.signups[0].record.email, address);
    assert_eq!(before.signups[0].record.signup_id, signup_id);
    stack
        .expect_emails(std::slice::from_ref(&email), Duration::from_secs(20))
        .await;

    let contact = stack.sim.contact_by_email(&email).expect("contact");
    let retired = eventually(Duration::from_secs(5), || async {
        gather(&store, Subject::Email(&address))
            .await
            .expect("report")
            .signups
            .is_empty()
    })
    .await;
    assert!(retired, "a sent signup is no longer open");
    let after = gather(&store, Subject::Signup(&signup_id))
        .await
        .expect("report");
    let record = &after.signups[0].record;
    assert_eq!(record.status, SignupStatus::Sent);
    assert_eq!(record.contact_id.map(|c| c.get()), Some(contact.id));
    let text = render(&after);
    assert!(
        text.contains(&format!("contact      {}", contact.id)),
        "{text}"
    );
    assert!(text.contains("status       sent"), "{text}");

    let output = reactor_command(&stack.app, &["inspect", "--signup", &signup_id, "--json"]).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json output");
    assert_eq!(json["signups"][0]["status"], "sent");
    assert_eq!(json["signups"][0]["contactId"], contact.id);
    assert!(
        json["signups"][0]["send"]["sendId"]
            .as_str()
            .is_some_and(|id| id.ends_with(&signup_id))
    );
}

#[tokio::test]
async fn dead_letters_are_listed_and_replayed() {
    dead_letters_list_and_replay(TestRedis::start()).await;
}

/// `dead-letters list` (binary) and replay (library) on `redis`.
pub async fn dead_letters_list_and_replay(redis: TestRedis) {
    let stack = Stack::start_on(
        redis,
        |sim| sim.visibility_lag = DelayRange::fixed(100_000),
        |config| config.worker.contact_wait_horizon = Duration::from_millis(100),
    )
    .await;
    let email = "late@example.com".to_owned();
    assert_eq!(
        stack.app.signup(&signup_body(&email), None).await.status(),
        202
    );
    let store = RedisStore::connect(&stack.app.config.redis).expect("store");
    // The invisible contact is dead-lettered.
    let letters = first_dead_letters(&store, Duration::from_secs(10)).await;
    assert_eq!(letters[0].source_label(), "checks");
    assert!(
        matches!(letters[0].source, DeadLetterSource::Check { .. }),
        "{:?}",
        letters[0]
    );
    assert!(
        letters[0].reason.starts_with("contact_not_visible"),
        "{:?}",
        letters[0]
    );

    let listed = reactor_command(&stack.app, &["dead-letters", "list"]).await;
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        listed.contains(&letters[0].id) && listed.contains("contact_not_visible"),
        "{listed}"
    );
    assert!(stack.sim.emails().is_empty());

    // The cause goes away (the contact becomes visible); the replay sends the email.
    let sim = &stack.sim;
    assert!(
        eventually(Duration::from_secs(10), || async {
            sim.contact_by_email(&email)
                .is_some_and(|c| c.visible_now())
        })
        .await
    );
    let replayed = replay(&store, &letters[0], Duration::from_secs(3600))
        .await
        .expect("replay")
        .to_string();
    assert!(replayed.contains("checked again"), "{replayed}");
    stack
        .expect_emails(std::slice::from_ref(&email), Duration::from_secs(20))
        .await;
    assert_eq!(sent_per_recipient(&stack.sim).get(&email), Some(&1));
    // The replayed letter is removed. (With this test's 100 ms horizon, a
    // slow machine may see the replayed send dead-lettered again as "still
    // pending at the horizon": a new letter, not the replayed one.)
    let left = dead_letters(&store).await;
    assert!(
        left.iter().all(|l| l.id != letters[0].id),
        "replayed letters are removed: {left:?}"
    );
}

#[tokio::test]
async fn check_reports_one_line_per_check_and_fails_on_bad_credentials() {
    let stack = Stack::default_stack().await;
    let base = stack.sim.base_url();
    let run = |token: &str| {
        reactor(&["check"])
            .env("REDIS_URL", &stack.app.redis.url)
            .env("HUBSPOT_CLIENT_SECRET", "s")
            .env("HUBSPOT_ACCESS_TOKEN", token)
            .env("HUBSPOT_PORTAL_ID", "62515")
            .env(
                "HUBSPOT_SIGNUP_FORM_GUID",
                hubspot_simulator::DEFAULT_FORM_GUID,
            )
            .env("HUBSPOT_VERIFICATION_EMAIL_ID", "4242")
            .env("HUBSPOT_API_BASE_URL", &base)
            .env("HUBSPOT_FORMS_BASE_URL", &base)
            .env("SIGNUP_API_TOKEN", "t")
            .output()
    };
    let good = run(crate::support::stack::ACCESS_TOKEN)
        .await
        .expect("run check");
    let text = String::from_utf8_lossy(&good.stdout).to_string();
    assert!(good.status.success(), "{text}");
    assert!(text.contains("ok   configuration"), "{text}");
    assert!(text.contains("ok   redis reachable"), "{text}");
    assert!(
        text.contains("WARN redis settings"),
        "a test Redis has no persistence: {text}"
    );
    assert!(text.contains("ok   hubspot credentials"), "{text}");

    let bad = run("wrong-token").await.expect("run check");
    let text = String::from_utf8_lossy(&bad.stdout).to_string();
    assert!(!bad.status.success());
    assert!(text.contains("FAIL hubspot credentials"), "{text}");

    let missing = reactor(&["check"]).output().await.expect("run");
    let text = String::from_utf8_lossy(&missing.stdout).to_string();
    assert!(!missing.status.success());
    assert!(
        text.contains("FAIL configuration") && text.contains("is required"),
        "{text}"
    );
}
