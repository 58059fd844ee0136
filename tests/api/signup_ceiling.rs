//! `SIGNUP_EMAILS_PER_ADDRESS_PER_DAY`: past it, `POST /v1/signups` answers
//! 429 `TOO_MANY_SIGNUPS` with a `Retry-After`, and nothing is submitted.

use serde_json::Value;

use crate::support::stack::{Stack, signup_body};

#[tokio::test]
async fn past_the_daily_ceiling_an_address_gets_429_and_nothing_is_submitted() {
    let stack = Stack::start(
        |_| {},
        |config| config.signup.emails_per_address_per_day = 2,
    )
    .await;
    for email in ["pat@example.com", "Pat@Example.com"] {
        let response = stack.app.signup(&signup_body(email), None).await;
        assert_eq!(response.status(), 202, "{email}");
    }
    let submitted = |address: &str| {
        stack
            .sim
            .submissions()
            .iter()
            .filter(|s| s.email.as_deref() == Some(address))
            .count()
    };
    assert_eq!(submitted("pat@example.com"), 2);

    // The same address again, in another spelling and with a fresh key.
    let response = stack
        .app
        .signup(&signup_body("PAT@example.com"), Some("third-try"))
        .await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!(
        (86_000..=86_400).contains(&retry_after),
        "the oldest signup leaves the window in about a day: {retry_after}"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errorType"], "TOO_MANY_SIGNUPS", "{body}");
    assert_eq!(submitted("pat@example.com"), 2, "nothing was submitted");

    // Refused, the key is free again: a retry is refused the same way.
    let again = stack
        .app
        .signup(&signup_body("pat@example.com"), Some("third-try"))
        .await;
    assert_eq!(again.status(), 429);

    // Other addresses are not affected.
    let other = stack
        .app
        .signup(&signup_body("sam@example.com"), None)
        .await;
    assert_eq!(other.status(), 202);

    // One key per address, named by its fingerprint, never the address.
    let keys = stack.app.all_keys().await;
    let ceilings: Vec<&String> = keys
        .iter()
        .filter(|k| k.contains("address-signups:"))
        .collect();
    assert_eq!(ceilings.len(), 2, "{ceilings:?}");
    assert!(keys.iter().all(|k| !k.contains("example.com")), "{keys:?}");
}
