//! Single Sends that fail: blocked recipients complete later with their
//! `sendResult`, throttled sends are refused at once, on the dated path.

use std::time::Duration;

use hubspot_simulator::SimulatorHandle;
use serde_json::{Value, json};

use crate::support::{self, Spec, TOKEN};

const DATED_SEND: &str = "/marketing/transactional/2026-09/single-email/send";

async fn dated_send(sim: &SimulatorHandle, to: &str, send_id: &str) -> Value {
    let body = json!({"emailId": 1, "message": {"to": to, "sendId": send_id,
        "cc": [], "bcc": [], "replyTo": []}, "contactProperties": {}, "customProperties": {}});
    Spec::load("transactional-single-send-2026-09")
        .validate_strict("PublicSingleSendRequestEgg", &body);
    let response = support::client()
        .post(format!("{}{DATED_SEND}", sim.base_url()))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("json");
    Spec::load("transactional-single-send-2026-09").validate_strict("EmailSendStatusView", &answer);
    answer
}

async fn final_status(sim: &SimulatorHandle, status_id: &str) -> Value {
    let url = format!(
        "{}/marketing/v3/email/send-statuses/{status_id}",
        sim.base_url()
    );
    for _ in 0..500 {
        let status: Value = support::client()
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("status")
            .json()
            .await
            .expect("json");
        if status["status"] == "COMPLETE" {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("send {status_id} never completed");
}

#[tokio::test]
async fn a_blocked_domain_is_pending_then_blocked_and_a_repeat_fails() {
    let mut config = support::fast_config();
    config.send_failures.blocked_domains = vec!["blocked.test".to_owned()];
    let sim = support::start(config).await;
    let first = dated_send(&sim, "ann@Blocked.test", "s-blocked").await;
    assert_eq!(first["status"], "PENDING");
    let status = final_status(&sim, first["statusId"].as_str().expect("id")).await;
    assert_eq!(status["sendResult"], "BLOCKED_DOMAIN");
    let repeat = dated_send(&sim, "ann@blocked.test", "s-blocked").await;
    assert_eq!(repeat["status"], "COMPLETE");
    assert_eq!(repeat["sendResult"], "IDEMPOTENT_FAIL");
    assert!(
        sim.emails().iter().all(|e| !e.sent),
        "nothing was delivered"
    );
    assert!(
        sim.contacts().is_empty(),
        "a refused send touches no contact"
    );

    let fine = dated_send(&sim, "bob@example.com", "s-fine").await;
    let status = final_status(&sim, fine["statusId"].as_str().expect("id")).await;
    assert_eq!(status["sendResult"], "SENT");
    sim.stop().await;
}

#[tokio::test]
async fn a_throttled_send_is_refused_at_once_and_may_be_retried() {
    let mut config = support::fast_config();
    config.send_failures.throttled_probability = 1.0;
    let sim = support::start(config).await;
    let answer = dated_send(&sim, "cat@example.com", "s-throttled").await;
    assert_eq!(answer["status"], "COMPLETE");
    assert_eq!(answer["sendResult"], "THROTTLED");
    let again = dated_send(&sim, "cat@example.com", "s-throttled").await;
    assert_eq!(
        again["sendResult"], "THROTTLED",
        "the sendId was not used up"
    );
    assert!(sim.emails().iter().all(|e| !e.sent));
    sim.stop().await;
}
