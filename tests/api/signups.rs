use std::time::Duration;

use hubspot_simulator::{Endpoint, FaultRule, FormDefinition, FormField, RateLimits};
use serde_json::{Value, json};

use signup_reactor::startup::Role;

use crate::support::app::TestApp;
use crate::support::stack::{Stack, eventually, signup_body, wire};

#[tokio::test]
async fn an_accepted_signup_reaches_the_form_with_its_fields_and_context() {
    let stack = Stack::start(
        |sim| {
            sim.hutk_sources.insert(
                "0123456789abcdef0123456789abcdef".into(),
                "PAID_SEARCH".into(),
            );
        },
        |_| {},
    )
    .await;
    let response = stack
        .app
        .signup(&signup_body("Ann@Example.com"), None)
        .await;
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "submitted");
    assert!(body["signupId"].as_str().is_some_and(|id| !id.is_empty()));

    let sim = &stack.sim;
    let processed = eventually(Duration::from_secs(10), || async {
        sim.contact_by_email("ann@example.com")
            .is_some_and(|c| !c.form_submissions.is_empty())
    })
    .await;
    assert!(processed, "the form submission never landed");
    let contact = sim.contact_by_email("ann@example.com").expect("contact");
    let value = |name: &str| {
        contact
            .properties
            .get(name)
            .and_then(|v| v.last())
            .map(|v| v.value.clone())
    };
    assert_eq!(value("firstname").as_deref(), Some("Ann"));
    assert_eq!(value("lastname").as_deref(), Some("Lee"));
    assert_eq!(value("company").as_deref(), Some("Acme"));
    assert_eq!(
        value("hs_analytics_source").as_deref(),
        Some("PAID_SEARCH"),
        "hutk passed through"
    );
    let submission = &contact.form_submissions[0];
    assert_eq!(
        submission.page_url.as_deref(),
        Some("https://app.example.com/signup")
    );
    assert_eq!(submission.title, "Create your account");
    assert_eq!(sim.submissions().len(), 1);
    assert!(!sim.submissions()[0].secure);
}

#[tokio::test]
async fn authenticated_submissions_use_secure_submit() {
    let stack = Stack::start(|_| {}, |c| c.hubspot.forms_authenticated = true).await;
    assert_eq!(
        stack
            .app
            .signup(&signup_body("sec@example.com"), None)
            .await
            .status(),
        202
    );
    let submissions = stack.sim.submissions();
    assert_eq!(submissions.len(), 1);
    assert!(submissions[0].secure);
}

#[tokio::test]
async fn hubspot_rejections_are_422_with_their_error_types_and_keep_nothing() {
    let stack = Stack::start(
        |sim| {
            let mut form = FormDefinition::default();
            form.fields.push(FormField::text("jobtitle").required());
            sim.forms = vec![form];
        },
        |_| {},
    )
    .await;
    let response = stack
        .app
        .signup(&signup_body("req@example.com"), None)
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    let types: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["errorType"].as_str())
        .collect();
    assert_eq!(types, vec!["REQUIRED_FIELD"]);
    assert!(
        stack
            .app
            .all_keys()
            .await
            .iter()
            .all(|k| !k.contains(":signup")),
        "pending signup removed"
    );

    let response = stack
        .app
        .signup(&json!({"email": "not-an-email"}), None)
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["errorType"], "INVALID_EMAIL");
    assert_eq!(body["errors"][0]["field"], "email");
    assert!(
        stack.sim.submissions().is_empty(),
        "nothing reached HubSpot"
    );
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let app = TestApp::spawn().await;
    for body in ["{", r#"{"fields":{}}"#, r#"{"email":"a@b.co","unknown":1}"#] {
        let response = app
            .http
            .post(app.url("/v1/signups"))
            .bearer_auth(crate::support::app::SIGNUP_TOKEN)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 400, "{body}");
    }
}

#[tokio::test]
async fn a_429_burst_queues_signups_and_submits_each_exactly_once() {
    // A receiver alone takes the signups, so every one of them meets the
    // injected 429s (no retry worker can use them up first); a worker started
    // afterwards drains the queue.
    let stack = Stack::start(
        |sim| {
            // HubSpot's 10 s window, time-scaled: the 429s ask for a short wait.
            sim.rate_limits.forms = RateLimits::default().forms;
            sim.faults = vec![FaultRule::rate_limited(Endpoint::FormsSubmit, 10)];
        },
        |_| {},
    )
    .await;
    stack.app.shutdown.cancel();
    let receiver = TestApp::spawn_role(Role::Receiver, stack.app.redis.share(), |config| {
        wire(config, &stack.sim);
        config.redis.key_prefix = stack.app.prefix.clone();
    })
    .await;
    let emails: Vec<String> = (0..10).map(|i| format!("burst{i}@example.com")).collect();
    for email in &emails {
        let response = receiver.signup(&signup_body(email), None).await;
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], "queued", "{email}");
    }
    let _worker = TestApp::spawn_role(Role::Worker, stack.app.redis.share(), |config| {
        wire(config, &stack.sim);
        config.redis.key_prefix = stack.app.prefix.clone();
    })
    .await;
    let sim = &stack.sim;
    let all_in = eventually(Duration::from_secs(20), || async {
        sim.submissions().len() >= emails.len()
    })
    .await;
    assert!(
        all_in,
        "queued signups were not all submitted: {}",
        sim.submissions().len()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut submitted: Vec<String> = sim
        .submissions()
        .iter()
        .filter_map(|s| s.email.clone())
        .collect();
    submitted.sort();
    let mut expected = emails.clone();
    expected.sort();
    assert_eq!(submitted, expected, "each signup submitted exactly once");
}

#[tokio::test]
async fn the_same_idempotency_key_twice_at_once_submits_once() {
    let stack = Stack::default_stack().await;
    let body = signup_body("idem@example.com");
    let (first, second) = tokio::join!(
        stack.app.signup(&body, Some("signup-123")),
        stack.app.signup(&body, Some("signup-123"))
    );
    assert_eq!(first.status(), 202);
    assert_eq!(second.status(), 202);
    let first: Value = first.json().await.expect("json");
    let second: Value = second.json().await.expect("json");
    assert_eq!(first, second, "the second answer replays the first");
    let third = stack.app.signup(&body, Some("signup-123")).await;
    assert_eq!(
        third
            .headers()
            .get("Idempotent-Replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(stack.sim.submissions().len(), 1);

    let other = stack
        .app
        .signup(&signup_body("other@example.com"), Some("signup-123"))
        .await;
    assert_eq!(
        other.status(),
        422,
        "a key reused for another request is refused"
    );
    assert_eq!(stack.sim.submissions().len(), 1);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401_and_submits_nothing() {
    let stack = Stack::default_stack().await;
    let app = &stack.app;
    let body = signup_body("nobody@example.com");
    let no_token = app
        .http
        .post(app.url("/v1/signups"))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(no_token.status(), 401);
    assert_eq!(
        no_token
            .headers()
            .get("WWW-Authenticate")
            .map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    let wrong = app
        .http
        .post(app.url("/v1/signups"))
        .bearer_auth("guess")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 401);
    assert!(stack.sim.submissions().is_empty());
}

#[tokio::test]
async fn with_redis_down_a_signup_is_503_and_nothing_is_submitted() {
    let mut stack = Stack::default_stack().await;
    if !stack.app.redis.is_private() {
        return;
    }
    stack.app.redis.stop();
    let response = stack
        .app
        .signup(&signup_body("down@example.com"), None)
        .await;
    assert_eq!(response.status(), 503);
    assert!(stack.sim.submissions().is_empty());
}
