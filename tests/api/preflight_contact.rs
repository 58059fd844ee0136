//! `signup-reactor check --contact ID` against the simulator: a visible
//! contact with the signup form, one without it, and one not visible yet.

use std::time::Duration;

use clap::Parser;
use hubspot_simulator::{DEFAULT_FORM_GUID, DelayRange, SimulatorHandle};
use serde_json::json;
use signup_reactor::ops::preflight::{PreflightArgs, run_preflight};
use signup_reactor::ops::preflight_line::{PreflightLine, Verdict};

use crate::support::app::api_version_under_test;
use crate::support::stack::{ACCESS_TOKEN, Stack, eventually, post_form_entry};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    check: PreflightArgs,
}

async fn probe(stack: &Stack, contact: u64) -> Vec<PreflightLine> {
    let base = stack.sim.base_url();
    let id = contact.to_string();
    let cli = Cli::parse_from([
        "check",
        "--redis-url",
        stack.app.redis.url.as_str(),
        "--hubspot-client-secret",
        "s",
        "--hubspot-access-token",
        ACCESS_TOKEN,
        "--hubspot-portal-id",
        "62515",
        "--hubspot-signup-form-guid",
        DEFAULT_FORM_GUID,
        "--hubspot-verification-email-id",
        "4242",
        "--hubspot-api-base-url",
        base.as_str(),
        "--hubspot-forms-base-url",
        base.as_str(),
        "--signup-api-token",
        "t",
        "--contact",
        id.as_str(),
    ]);
    run_preflight(&cli.check.settings, cli.check.contact.as_deref()).await
}

fn find<'a>(lines: &'a [PreflightLine], name: &str) -> &'a PreflightLine {
    lines
        .iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no {name:?} line in {lines:#?}"))
}

async fn contact_id(sim: &SimulatorHandle, email: &str) -> u64 {
    assert!(
        eventually(Duration::from_secs(10), || async {
            sim.contact_by_email(email).is_some()
        })
        .await
    );
    sim.contact_by_email(email).expect("contact").id
}

#[tokio::test]
async fn preflight_contact_says_what_each_strategy_concludes() {
    let stack = Stack::start(
        |sim| {
            sim.processing_delay = DelayRange::fixed(0);
            // 5 s at the stack's time scale: long enough to probe a contact
            // that exists but is not visible yet.
            sim.visibility_lag = DelayRange::fixed(500_000);
        },
        |_| {},
    )
    .await;
    stack.sim.set_webhook_target(None);
    post_form_entry(&stack.sim, "with-form@example.com").await;
    let with_form = contact_id(&stack.sim, "with-form@example.com").await;
    let send = json!({"emailId": 4242, "message": {"to": "no-form@example.com"}});
    let response = reqwest::Client::new()
        .post(format!(
            "{}/marketing/v3/transactional/single-email/send",
            stack.sim.base_url()
        ))
        .bearer_auth(ACCESS_TOKEN)
        .json(&send)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let without_form = contact_id(&stack.sim, "no-form@example.com").await;
    let visible = eventually(Duration::from_secs(15), || async {
        stack.sim.contacts().iter().all(|c| c.visible_now())
    })
    .await;
    assert!(visible);

    let lines = probe(&stack, with_form).await;
    let version = api_version_under_test().to_string();
    assert!(
        find(&lines, "hubspot api version")
            .detail
            .starts_with(&version)
    );
    assert_eq!(find(&lines, "contact visible").verdict, Verdict::Ok);
    assert!(
        find(&lines, "contact visible")
            .detail
            .contains("answered by API")
    );
    assert_eq!(find(&lines, "contact email").verdict, Verdict::Ok);
    assert!(
        !lines.iter().any(|l| l.detail.contains("with-form@")),
        "no address in clear: {lines:#?}"
    );
    assert_eq!(find(&lines, "form by legacy profile").verdict, Verdict::Ok);
    assert_eq!(find(&lines, "form by property").verdict, Verdict::Ok);

    let lines = probe(&stack, without_form).await;
    assert_eq!(find(&lines, "contact visible").verdict, Verdict::Ok);
    assert_eq!(
        find(&lines, "form by legacy profile").verdict,
        Verdict::Warn
    );
    assert_eq!(find(&lines, "form by property").verdict, Verdict::Warn);

    post_form_entry(&stack.sim, "not-yet@example.com").await;
    let not_yet = contact_id(&stack.sim, "not-yet@example.com").await;
    let lines = probe(&stack, not_yet).await;
    let visible = find(&lines, "contact visible");
    assert_eq!(visible.verdict, Verdict::Warn, "{lines:#?}");
    assert!(visible.detail.contains("OBJECT_NOT_FOUND"));
    assert!(!lines.iter().any(|l| l.name == "form by property"));
    assert!(
        lines.iter().all(|l| l.verdict != Verdict::Fail),
        "{lines:#?}"
    );
}
