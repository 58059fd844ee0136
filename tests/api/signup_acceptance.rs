//! Only a request that answered 202 leads to a submission and an email. A
//! request answered 503 (Redis did not take its record, or its acceptance,
//! in time) leaves at most a record that nothing ever submits: it is retired
//! as a dead letter `never_accepted` after `IDEMPOTENCY_LEASE`, and the app's
//! retry is the signup that gets the one email. Reproduced with real pauses
//! of the test's Redis (`CLIENT PAUSE … WRITE`).

use std::time::Duration;

use hubspot_simulator::{Endpoint, FaultRule};
use signup_reactor::config::Config;
use signup_reactor::domain::{NEVER_ACCEPTED, SignupStatus};
use signup_reactor::store::{DeadLetterSource, RedisStore};

use crate::support::app::TestApp;
use crate::support::binary::reactor_command;
use crate::support::records::dead_letters;
use crate::support::stack::{Stack, eventually, sent_per_recipient, signup_body, signup_id};

/// The shortest lease and sweep age the start-up checks let `http_timeout`
/// have with the tests' 500 ms Redis command timeout; sweeps every second.
fn quick_sweep(config: &mut Config, http_timeout: Duration) {
    let request = http_timeout + config.redis.command_timeout * 9;
    config.hubspot.http_timeout = http_timeout;
    config.signup.idempotency_lease = request;
    config.signup.forms_retry_lease = request;
    config.worker.sweep_after = request + Duration::from_millis(100);
    config.worker.sweep_interval = Duration::from_secs(1);
    // No per-address ceiling: its write comes before the record's, and these
    // tests hold the record's own write.
    config.signup.emails_per_address_per_day = 0;
}

/// Pauses every write of the app's Redis (reads go on) for `ms`.
async fn pause_writes(app: &TestApp, ms: u64) {
    let mut conn = app.redis_conn().await;
    let _: () = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(ms)
        .arg("WRITE")
        .query_async(&mut conn)
        .await
        .expect("CLIENT PAUSE");
}

/// The value of `signups_not_accepted_total{reason="redis"}` on `/metrics`.
async fn not_accepted_for_redis(app: &TestApp) -> f64 {
    app.metric(r#"signups_not_accepted_total{reason="redis"}"#)
        .await
}

/// Whether the test may pause the stack's Redis (says so when not).
fn may_pause(stack: &Stack) -> bool {
    let private = stack.app.redis.is_private();
    if !private {
        eprintln!("skipped: pausing a shared Redis would stall other tests");
    }
    private
}

/// The Forms submissions HubSpot received for `email`.
fn submissions_of(stack: &Stack, email: &str) -> usize {
    stack
        .sim
        .submissions()
        .into_iter()
        .filter(|s| s.email.as_deref() == Some(email))
        .count()
}

/// The ids of every signup record in Redis.
async fn signup_ids(app: &TestApp) -> Vec<String> {
    app.all_keys()
        .await
        .into_iter()
        .filter_map(|key| key.split("{signups}:signup:").nth(1).map(str::to_owned))
        .collect()
}

/// The record not `accepted`, once it is retired as never accepted.
async fn wait_never_accepted(stack: &Stack, accepted: &[&str]) -> String {
    let app = &stack.app;
    let orphan = signup_ids(app)
        .await
        .into_iter()
        .find(|id| !accepted.contains(&id.as_str()))
        .expect("the 503's record");
    let retired = eventually(Duration::from_secs(20), || async {
        app.signup_record(&orphan).await.is_some_and(|r| {
            r.status == SignupStatus::DeadLettered
                && r.last_error.as_deref() == Some(NEVER_ACCEPTED)
        })
    })
    .await;
    assert!(
        retired,
        "not retired as never accepted: {:?}",
        app.signup_record(&orphan).await
    );
    orphan
}

/// What the operator sees, and that a replay does not submit it.
async fn operators_see_it_unreplayable(stack: &Stack, orphan: &str) {
    let app = &stack.app;
    let store = RedisStore::connect(&app.config.redis).expect("store");
    let letters = dead_letters(&store).await;
    assert!(
        letters.iter().any(|l| l.source
            == DeadLetterSource::Forms {
                signup_id: orphan.to_owned()
            }
            && l.reason.starts_with(NEVER_ACCEPTED)),
        "{letters:?}"
    );
    let inspect = reactor_command(app, &["inspect", "--signup", orphan, "--json"]).await;
    assert!(inspect.status.success(), "{inspect:?}");
    let shown = String::from_utf8_lossy(&inspect.stdout);
    assert!(shown.contains("\"status\": \"dead_lettered\""), "{shown}");
    assert!(shown.contains(NEVER_ACCEPTED), "{shown}");
    let replay = reactor_command(app, &["dead-letters", "replay", "--all"]).await;
    assert!(replay.status.success(), "{replay:?}");
    let said = String::from_utf8_lossy(&replay.stdout);
    assert!(said.contains("never accepted"), "{said}");
    assert_eq!(
        app.signup_record(orphan).await.map(|r| r.status),
        Some(SignupStatus::DeadLettered)
    );
}

#[tokio::test]
async fn a_signup_answered_503_is_never_submitted_and_its_retry_gets_the_one_email() {
    let stack = Stack::start(|_| {}, |c| quick_sweep(c, Duration::from_secs(1))).await;
    if !may_pause(&stack) {
        return;
    }
    let email = "paused@example.com";
    let body = signup_body(email);
    // An earlier signup: Redis knows the scripts (a paused call is run as
    // sent when the pause ends, not refused as unknown).
    let warm = signup_id(
        stack
            .app
            .signup(&signup_body("warm@example.com"), None)
            .await,
    )
    .await;

    // Redis takes no write for 1.5 s: the record is not written within the
    // command timeout (Redis writes it when the pause ends), and the app is
    // told 503.
    pause_writes(&stack.app, 1_500).await;
    let first = stack.app.signup(&body, None).await;
    assert_eq!(first.status(), 503);
    assert!(
        not_accepted_for_redis(&stack.app).await >= 1.0,
        "the 503 is counted"
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    // The app retries: that signup is the one that counts.
    let accepted = signup_id(stack.app.signup(&body, None).await).await;
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    let orphan = wait_never_accepted(&stack, &[&accepted, &warm]).await;
    // Sweeps keep running past the retirement: nothing more goes out.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let submissions = submissions_of(&stack, email);
    assert_eq!(submissions, 1, "only the 202's signup is submitted");
    assert_eq!(sent_per_recipient(&stack.sim).get(email), Some(&1));
    operators_see_it_unreplayable(&stack, &orphan).await;
}

#[tokio::test]
async fn an_acceptance_redis_runs_after_the_request_gave_up_makes_nothing_live() {
    let stack = Stack::start(|_| {}, |c| quick_sweep(c, Duration::from_secs(3))).await;
    if !may_pause(&stack) {
        return;
    }
    let email = "late-write@example.com";
    let body = signup_body(email);
    // The Forms call takes 1.5 s (time-scaled), and Redis stops taking
    // writes while it is under way: the call goes through, but the write that
    // accepts the signup waits past the request's command timeout.
    stack
        .sim
        .add_fault(FaultRule::slow(Endpoint::FormsSubmit, 150_000, 1));
    let app = &stack.app;
    let request = app.signup(&body, None);
    let pause = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        pause_writes(app, 3_000).await;
    };
    let (first, ()) = tokio::join!(request, pause);
    assert_eq!(
        first.status(),
        503,
        "its acceptance was not written: not a 202"
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    // Redis ran the acceptance after the pause, past its deadline: refused.
    let ids = signup_ids(app).await;
    assert_eq!(ids.len(), 1);
    let record = app.signup_record(&ids[0]).await.expect("record");
    assert_eq!(record.status, SignupStatus::Submitting);

    let accepted = signup_id(app.signup(&body, None).await).await;
    stack
        .expect_emails(&[email.to_owned()], Duration::from_secs(20))
        .await;
    wait_never_accepted(&stack, &[&accepted]).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let submissions = submissions_of(&stack, email);
    assert_eq!(submissions, 2, "the first call and the app's retry");
    assert_eq!(sent_per_recipient(&stack.sim).get(email), Some(&1));
}
