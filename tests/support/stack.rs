//! The whole system under test: the HubSpot simulator and the reactor (receiver
//! and worker) wired to each other over real HTTP, on a private Redis.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use hubspot_simulator::{
    DEFAULT_FORM_GUID, FaultRule, RateLimit, SimConfig, Simulator, SimulatorHandle,
};
use signup_reactor::config::Config;
use signup_reactor::startup::Role;
use signup_reactor::store::Quota;

use super::app::{CLIENT_SECRET, PORTAL_ID, SIGNUP_TOKEN, TestApp};
use super::redis_server::TestRedis;

/// The access token both sides agree on.
pub const ACCESS_TOKEN: &str = "test-access-token";
/// The verification email's id.
pub const EMAIL_ID: u64 = 4242;

/// A simulator configuration matching the test reactor, fast and seeded.
pub fn sim_config() -> SimConfig {
    let mut config = SimConfig {
        portal_id: PORTAL_ID,
        client_secret: CLIENT_SECRET.to_owned(),
        access_tokens: vec![ACCESS_TOKEN.to_owned()],
        time_scale: 0.01,
        rng_seed: Some(7),
        ..SimConfig::default()
    };
    config.webhooks.duplicate_probability = 0.0;
    config.webhooks.reorder_probability = 0.0;
    config.rate_limits.forms = None;
    config.rate_limits.api = None;
    config
}

/// `rule`, for every call from now on rather than the next few.
pub fn always(rule: FaultRule) -> FaultRule {
    FaultRule {
        remaining: None,
        ..rule
    }
}

/// Simulator plus reactor.
pub struct Stack {
    pub sim: SimulatorHandle,
    pub app: TestApp,
}

/// Points a reactor configuration at the simulator.
pub fn wire(config: &mut Config, sim: &SimulatorHandle) {
    let base: url::Url = sim.base_url().parse().expect("simulator url");
    config.hubspot.api_base_url = base.clone();
    config.hubspot.forms_base_url = base;
    config.hubspot.access_token = ACCESS_TOKEN.to_owned().into();
    config.hubspot.signup_form_guid = DEFAULT_FORM_GUID.to_owned();
    config.hubspot.verification_email_id = EMAIL_ID;
}

impl Stack {
    /// Starts both, after the two closures adjust their configurations.
    pub async fn start(
        adjust_sim: impl FnOnce(&mut SimConfig),
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        Self::start_on(TestRedis::start(), adjust_sim, adjust).await
    }

    /// [`Stack::start`] on a given Redis (a cluster, say).
    pub async fn start_on(
        redis: TestRedis,
        adjust_sim: impl FnOnce(&mut SimConfig),
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut sim_config = sim_config();
        adjust_sim(&mut sim_config);
        let sim = Simulator::start(sim_config).await.expect("simulator");
        let app = TestApp::spawn_role(Role::All, redis, |config| {
            wire(config, &sim);
            adjust(config);
        })
        .await;
        sim.set_webhook_target(Some(app.webhook_url()));
        Self { sim, app }
    }

    /// Starts both with the defaults.
    pub async fn default_stack() -> Self {
        Self::start(|_| {}, |_| {}).await
    }

    /// Starts both under an API quota: HubSpot allows `account` calls per
    /// `window` (of real time), the reactor takes `reactor` per `window`
    /// (an operator sets it at or under the account's), after the two
    /// closures adjust the configurations.
    pub async fn under_api_quota(
        account: u32,
        reactor: u32,
        window: Duration,
        adjust_sim: impl FnOnce(&mut SimConfig),
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        Self::start(
            |sim| {
                // The simulator's limits run on its clock, scaled.
                let interval_ms = (window.as_secs_f64() * 1000.0 / sim.time_scale).round() as u64;
                sim.rate_limits.api = Some(RateLimit {
                    max: account,
                    interval_ms,
                    daily: 1_000_000,
                });
                adjust_sim(sim);
            },
            |config| {
                config.worker.api_quota = Quota {
                    max: reactor,
                    window,
                };
                adjust(config);
            },
        )
        .await
    }

    /// Another reactor process in `role` on this stack's Redis and key
    /// prefix, wired to its simulator, after `adjust` edits its configuration.
    pub async fn replica(&self, role: Role, adjust: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::spawn_role(role, self.app.redis.share(), |config| {
            wire(config, &self.sim);
            config.redis.key_prefix = self.app.prefix.clone();
            adjust(config);
        })
        .await
    }
}

impl TestApp {
    /// `POST /v1/signups` with the right token.
    pub async fn signup(
        &self,
        body: &serde_json::Value,
        idempotency_key: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url("/v1/signups"))
            .bearer_auth(SIGNUP_TOKEN)
            .json(body);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.expect("signup request")
    }
}

/// The `signupId` of a 202 answer.
pub async fn signup_id(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 202);
    let body: serde_json::Value = response.json().await.expect("json");
    body["signupId"].as_str().expect("signupId").to_owned()
}

/// A signup body for `email` with names and a visitor context.
pub fn signup_body(email: &str) -> serde_json::Value {
    serde_json::json!({
        "email": email,
        "fields": {"firstname": "Ann", "lastname": "Lee", "company": "Acme"},
        "context": {
            "hutk": "0123456789abcdef0123456789abcdef",
            "ipAddress": "203.0.113.7",
            "pageUri": "https://app.example.com/signup",
            "pageName": "Create your account"
        },
        "emailCustomProperties": {"verify_url": format!("https://app.example.com/verify?e={email}")}
    })
}

/// Posts a form entry for `email` straight to the simulator's Forms API, as
/// a visitor, a sales rep or an import would without the reactor.
pub async fn post_form_entry(sim: &SimulatorHandle, email: &str) {
    let url = format!(
        "{}/submissions/v3/integration/submit/{}/{DEFAULT_FORM_GUID}",
        sim.base_url(),
        sim.config().portal_id
    );
    let body =
        serde_json::json!({"fields": [{"objectTypeId": "0-1", "name": "email", "value": email}]});
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("submit");
    assert_eq!(response.status(), 200);
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
pub async fn eventually<F, Fut>(timeout: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if condition().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Asserts that HubSpot shows `email`'s contact with its form submission
/// within 10 s.
pub async fn wait_until_landed(sim: &SimulatorHandle, email: &str) {
    assert!(
        eventually(Duration::from_secs(10), || async {
            sim.contact_by_email(email)
                .is_some_and(|c| c.visible_now() && !c.form_submissions.is_empty())
        })
        .await,
        "{email} never landed"
    );
}

/// Emails the simulator actually sent, per recipient.
pub fn sent_per_recipient(sim: &SimulatorHandle) -> HashMap<String, usize> {
    let mut sent = HashMap::new();
    for email in sim.emails().into_iter().filter(|e| e.sent) {
        *sent.entry(email.to).or_insert(0) += 1;
    }
    sent
}

/// Waits until every address in `emails` got its email (or the timeout).
pub async fn wait_for_emails(sim: &SimulatorHandle, emails: &[String], timeout: Duration) -> bool {
    eventually(timeout, || async {
        let sent = sent_per_recipient(sim);
        emails.iter().all(|e| sent.contains_key(e))
    })
    .await
}

impl Stack {
    /// Signs every address up through the reactor, asserting 202 each time.
    pub async fn sign_up_all(&self, emails: &[String]) {
        for email in emails {
            let status = self.app.signup(&signup_body(email), None).await.status();
            assert_eq!(status, 202, "{email}");
        }
    }

    /// Asserts that every address got its email within `timeout`.
    pub async fn expect_emails(&self, emails: &[String], timeout: Duration) {
        let sent = wait_for_emails(&self.sim, emails, timeout).await;
        assert!(
            sent,
            "not every email went out: {:?}",
            sent_per_recipient(&self.sim)
        );
    }
}
