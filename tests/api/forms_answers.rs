//! Odd but successful answers of the Forms API: any 2xx is a submission.

use std::time::Duration;

use serde_json::Value;
use signup_reactor::startup::Role;

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;
use crate::support::stack::signup_body;
use crate::support::stub_http::StubHttp;

#[tokio::test]
async fn a_2xx_with_a_body_that_is_not_json_is_a_submission_posted_once() {
    let answers = [
        ("text/plain", "OK"),
        ("application/json", "[]"),
        ("text/html", "<html><body>Thank you!</body></html>"),
        ("application/json", ""),
    ];
    for (content_type, body) in answers {
        let stub = StubHttp::start(200, content_type, body);
        let url = stub.url.parse().expect("url");
        let app = TestApp::spawn_role(Role::All, TestRedis::start(), |c| {
            c.hubspot.forms_base_url = url;
        })
        .await;
        let response = app.signup(&signup_body("ann@example.com"), None).await;
        assert_eq!(response.status(), 202, "{body}");
        let json: Value = response.json().await.expect("json");
        assert_eq!(json["status"], "submitted", "answer {body:?}");
        // Nothing is queued for a retry: the submission is not posted again.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(stub.hits(), 1, "answer {body:?}");
    }
}
