//! Which quotas a Forms submission takes: HubSpot counts an authenticated
//! submission (`secure/submit`, with the access token) against the account's
//! API quota, an unauthenticated one only against the Forms limit.

use std::time::Duration;

use serde_json::Value;

use crate::support::stack::{Stack, signup_body};

/// Five signups on a stack whose API quota (the reactor's and HubSpot's
/// alike) is 3 per minute; the answers' `status` fields.
async fn five_signups(authenticated: bool) -> (Stack, Vec<String>) {
    let stack = Stack::under_api_quota(
        3,
        3,
        Duration::from_secs(60),
        |_| {},
        |config| config.hubspot.forms_authenticated = authenticated,
    )
    .await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        let response = stack
            .app
            .signup(&signup_body(&format!("user{n}@example.com")), None)
            .await;
        assert_eq!(response.status(), 202);
        let json: Value = response.json().await.expect("json");
        statuses.push(json["status"].as_str().unwrap_or_default().to_owned());
    }
    (stack, statuses)
}

#[tokio::test]
async fn an_authenticated_submission_takes_a_permit_of_the_api_quota() {
    let (stack, statuses) = five_signups(true).await;
    assert_eq!(
        statuses,
        ["submitted", "submitted", "submitted", "queued", "queued"],
        "the API quota admits three submissions; the others wait in the retry queue"
    );
    assert_eq!(stack.sim.submissions().len(), 3);
    assert_eq!(
        stack.sim.stats().quota_rejections,
        0,
        "no submission went out over HubSpot's quota"
    );
}

#[tokio::test]
async fn an_unauthenticated_submission_leaves_the_api_quota_alone() {
    let (stack, statuses) = five_signups(false).await;
    assert_eq!(statuses, ["submitted"; 5]);
    assert_eq!(stack.sim.submissions().len(), 5);
}
