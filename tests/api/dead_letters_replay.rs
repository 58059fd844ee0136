//! `dead-letters replay` as an operator runs it: the built binary against a
//! real Redis. It pages through the whole list, replays only signups that are
//! dead-lettered, skips (and reports, and keeps) letters it cannot replay,
//! and says what it did.

use std::time::Duration;

use signup_reactor::config::Config;
use signup_reactor::domain::{SignupRecord, SignupStatus};
use signup_reactor::store::{DeadLetter, DeadLetterSource, RedisStore};

use crate::support::app::test_config;
use crate::support::binary::reactor;
use crate::support::records::signup_record;
use crate::support::redis_server::TestRedis;

const TTL: Duration = Duration::from_secs(3600);

/// More letters than one page of the replay holds, whose signups expired.
const EXPIRED: usize = 205;

/// Runs `signup-reactor dead-letters ARGS` with only the Redis settings.
async fn dead_letters(redis: &TestRedis, config: &Config, args: &[&str]) -> (bool, String, String) {
    let output = reactor(&["dead-letters"])
        .args(args)
        .env("REDIS_URL", &redis.url)
        .env("REDIS_KEY_PREFIX", &config.redis.key_prefix)
        .output()
        .await
        .expect("run signup-reactor");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A signup that ended in `status`, parked as the reactor parks it, with a
/// dead letter from `source` (`forms` or else `checks`); the letter's id.
async fn ended_signup(
    store: &RedisStore,
    email: &str,
    status: SignupStatus,
    forms: bool,
) -> (SignupRecord, String) {
    let mut record = signup_record(email, signup_reactor::clock::now_ms());
    store.signups().create(&record, TTL).await.expect("create");
    record.status = status;
    let retired = store
        .signups()
        .retire(&record, SignupStatus::Submitting, TTL)
        .await
        .expect("retire");
    assert!(retired.stored());
    let signup_id = record.signup_id.to_string();
    let source = if forms {
        DeadLetterSource::Forms { signup_id }
    } else {
        DeadLetterSource::Check {
            signup_id,
            contact: None,
        }
    };
    let id = store
        .dead_letters()
        .append(&DeadLetter::new(source, "why"))
        .await
        .expect("append");
    (record, id)
}

async fn status_of(store: &RedisStore, record: &SignupRecord) -> Option<SignupStatus> {
    let loaded = store.signups().load(&record.signup_id).await.expect("load");
    loaded.map(|r| r.status)
}

#[tokio::test]
async fn replay_pages_through_every_letter_and_replays_only_dead_lettered_signups() {
    let redis = TestRedis::start();
    let config = test_config(&redis.url);
    let store = RedisStore::connect(&config.redis).expect("store");
    for n in 0..EXPIRED {
        let source = DeadLetterSource::Check {
            signup_id: format!("expired-{n}"),
            contact: None,
        };
        store
            .dead_letters()
            .append(&DeadLetter::new(source, "contact_not_visible"))
            .await
            .expect("append");
    }
    let (sent, sent_letter) =
        ended_signup(&store, "sent@example.com", SignupStatus::Sent, false).await;
    let (checked, _) = ended_signup(
        &store,
        "check@example.com",
        SignupStatus::DeadLettered,
        false,
    )
    .await;
    let (forms, _) = ended_signup(
        &store,
        "forms@example.com",
        SignupStatus::DeadLettered,
        true,
    )
    .await;

    // One letter by id whose signup went out: refused, and kept.
    let (ok, _, stderr) = dead_letters(&redis, &config, &["replay", &sent_letter]).await;
    assert!(!ok, "a sent signup is never re-opened");
    assert!(
        stderr.contains(&format!("{sent_letter} not replayed"))
            && stderr.contains("is sent, not dead-lettered"),
        "{stderr}"
    );
    assert_eq!(status_of(&store, &sent).await, Some(SignupStatus::Sent));

    let (ok, stdout, stderr) = dead_letters(&redis, &config, &["replay", "--all"]).await;
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("signup {} checked again", checked.signup_id)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "signup {} queued for the Forms API again",
            forms.signup_id
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped: signup expired-0 has expired")
            && stdout.contains(&format!(
                "skipped: signup expired-{} has expired",
                EXPIRED - 1
            )),
        "every page was read: {stdout}"
    );
    assert!(
        stdout.contains(&format!("{sent_letter} skipped: signup {}", sent.signup_id)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("2 replayed, {} skipped", EXPIRED + 1)),
        "{stdout}"
    );

    assert_eq!(
        status_of(&store, &checked).await,
        Some(SignupStatus::Submitted)
    );
    assert!(
        store
            .checks()
            .due_at(&checked.signup_id)
            .await
            .expect("due")
            .is_some(),
        "the replayed signup is checked again"
    );
    assert_eq!(status_of(&store, &forms).await, Some(SignupStatus::Queued));
    assert!(
        store
            .forms_retry_queue()
            .contains(&forms.signup_id)
            .await
            .expect("queued")
    );
    assert_eq!(status_of(&store, &sent).await, Some(SignupStatus::Sent));
    assert_eq!(
        store.checks().due_at(&sent.signup_id).await.expect("due"),
        None,
        "the sent signup stays closed"
    );
    let kept = store.dead_letters().list(1_000).await.expect("list");
    assert_eq!(
        kept.len(),
        EXPIRED + 1,
        "replayed letters are removed, the others kept"
    );
    assert!(kept.iter().any(|l| l.id == sent_letter));

    // A letter by id whose signup is dead-lettered: replayed.
    let (again, again_letter) = ended_signup(
        &store,
        "again@example.com",
        SignupStatus::DeadLettered,
        false,
    )
    .await;
    let (ok, stdout, stderr) = dead_letters(&redis, &config, &["replay", &again_letter]).await;
    assert!(ok, "{stdout}\n{stderr}");
    assert_eq!(
        stdout.trim(),
        format!(
            "{again_letter} replayed: signup {} checked again",
            again.signup_id
        )
    );
    let (ok, _, stderr) = dead_letters(&redis, &config, &["replay", &again_letter]).await;
    assert!(!ok && stderr.contains("no dead letter with id"), "{stderr}");
}
