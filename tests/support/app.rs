//! The reactor under test, on port 0, with its own Redis and key prefix.

use std::time::Duration;

use secrecy::SecretString;
use signup_reactor::config::{
    Config, FormConfirmation, HubSpotSettings, LogFormat, RedisSettings, SignupSettings,
    WebhookSettings, WorkerSettings,
};
use signup_reactor::domain::PortalId;
use signup_reactor::startup::{Application, Role};
use signup_reactor::store::Quota;
use signup_reactor::webhook::signature::SignaturePolicy;
use tokio_util::sync::CancellationToken;

use super::redis_server::TestRedis;

pub const CLIENT_SECRET: &str = "test-client-secret";
pub const PORTAL_ID: u64 = 62515;
pub const SIGNUP_TOKEN: &str = "test-signup-token";

/// A running reactor and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub redis: TestRedis,
    pub prefix: String,
    pub http: reqwest::Client,
    pub config: Config,
    pub shutdown: CancellationToken,
    pub server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// The API version the suite runs on: `HUBSPOT_API_VERSION` when set (so the
/// whole suite can be run once per version), else the default.
pub fn api_version_under_test() -> signup_reactor::hubspot::ApiVersion {
    match std::env::var("HUBSPOT_API_VERSION") {
        Ok(raw) => raw.parse().expect("HUBSPOT_API_VERSION of the test run"),
        Err(_) => Default::default(),
    }
}

/// A configuration pointing at `redis_url`, with a unique key prefix.
pub fn test_config(redis_url: &str) -> Config {
    let prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    Config {
        listen_addr: "127.0.0.1:0".parse().expect("addr"),
        redis: RedisSettings {
            url: redis_url.to_owned(),
            key_prefix: prefix,
            command_timeout: Duration::from_millis(500),
        },
        hubspot: HubSpotSettings {
            client_secret: SecretString::from(CLIENT_SECRET),
            access_token: SecretString::from("test-access-token"),
            portal_id: PortalId::new(PORTAL_ID).expect("portal"),
            signup_form_guid: "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f".into(),
            verification_email_id: 4242,
            api_base_url: "http://127.0.0.1:9".parse().expect("url"),
            forms_base_url: "http://127.0.0.1:9".parse().expect("url"),
            api_version: api_version_under_test(),
            forms_authenticated: false,
            http_timeout: Duration::from_secs(5),
        },
        webhook: WebhookSettings {
            public_url: None,
            signature_policy: SignaturePolicy::Any,
            trust_forwarded_headers: false,
            max_body_bytes: 1024 * 1024,
            dedupe_window: Duration::from_secs(72 * 3600),
        },
        signup_api_token: SecretString::from(SIGNUP_TOKEN),
        signup: SignupSettings {
            pending_ttl: Duration::from_secs(7 * 86400),
            idempotency_ttl: Duration::from_secs(86400),
            forms_quota: Quota {
                max: 1000,
                window: Duration::from_secs(10),
            },
            forms_retry_horizon: Duration::from_secs(86400),
            first_check_grace: Duration::from_millis(200),
        },
        worker: WorkerSettings {
            retry_base_delay: Duration::from_millis(20),
            retry_max_delay: Duration::from_millis(200),
            poll_interval: Duration::from_millis(10),
            concurrency: 4,
            stream_claim_idle: Duration::from_secs(60),
            stream_max_deliveries: 5,
            check_lease: Duration::from_secs(20),
            contact_wait_horizon: Duration::from_secs(3600),
            check_batch_size: 100,
            form_confirmation: FormConfirmation::Profile,
            form_clock_skew: Duration::from_secs(30),
            send_cooldown: Duration::ZERO,
            finished_ttl: Duration::from_secs(86400),
            sweep_after: Duration::from_secs(600),
            sweep_interval: Duration::from_secs(60),
            api_quota: Quota {
                max: 1000,
                window: Duration::from_secs(10),
            },
            send_quota: None,
        },
        log_format: LogFormat::Text,
    }
}

impl TestApp {
    /// Starts a private Redis and the receiver (no worker, so recorded events
    /// stay in the stream) with the default test configuration.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Same, after `adjust` edits the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_role(Role::Receiver, TestRedis::start(), adjust).await
    }

    /// Starts the reactor in `role` on `redis`, after `adjust` edits the configuration.
    pub async fn spawn_role(
        role: Role,
        redis: TestRedis,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = test_config(&redis.url);
        adjust(&mut config);
        let app = Application::build(config.clone(), role)
            .await
            .expect("build app");
        let port = app.port();
        let shutdown = app.shutdown_token();
        let server = tokio::spawn(app.run_until_stopped());
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            redis,
            prefix: config.redis.key_prefix.clone(),
            http: reqwest::Client::new(),
            config,
            shutdown,
            server,
        }
    }

    /// The URL of `path` on the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The status of `GET path`.
    pub async fn get_status(&self, path: &str) -> u16 {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .expect("GET request");
        response.status().as_u16()
    }

    /// A Redis connection for assertions.
    pub async fn redis_conn(&self) -> redis::aio::MultiplexedConnection {
        self.redis
            .client()
            .get_multiplexed_async_connection()
            .await
            .expect("redis connection")
    }

    /// Number of entries in the event stream.
    pub async fn stream_len(&self) -> usize {
        let mut conn = self.redis_conn().await;
        redis::cmd("XLEN")
            .arg(format!("{}{{events}}:stream", self.prefix))
            .query_async(&mut conn)
            .await
            .expect("XLEN")
    }

    /// The `contact` field of every stream entry, in order.
    pub async fn stream_contacts(&self) -> Vec<String> {
        let mut conn = self.redis_conn().await;
        let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
            .arg(format!("{}{{events}}:stream", self.prefix))
            .arg("-")
            .arg("+")
            .query_async(&mut conn)
            .await
            .expect("XRANGE");
        reply
            .ids
            .iter()
            .map(|entry| entry.get::<String>("contact").expect("contact field"))
            .collect()
    }

    /// Every key in Redis.
    pub async fn all_keys(&self) -> Vec<String> {
        let mut conn = self.redis_conn().await;
        redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut conn)
            .await
            .expect("KEYS")
    }
}

impl TestApp {
    /// The reactor's record of one signup, if it exists.
    pub async fn signup_record(
        &self,
        signup_id: &str,
    ) -> Option<signup_reactor::domain::SignupRecord> {
        let store = signup_reactor::store::RedisStore::connect(&self.config.redis).expect("store");
        store.load_signup(signup_id).await.expect("load signup")
    }
}
