//! The reactor under test, on port 0, with its own Redis and key prefix.

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;
use signup_reactor::config::{Config, SettingsArgs};
use signup_reactor::domain::PortalId;
use signup_reactor::startup::{Application, Role};
use signup_reactor::store::Quota;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::contract::CheckedClient;
use super::redis_server::TestRedis;
use super::test_log;

pub const CLIENT_SECRET: &str = "test-client-secret";
pub const PORTAL_ID: u64 = 62515;
pub const SIGNUP_TOKEN: &str = "test-signup-token";

/// A running reactor and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub redis: TestRedis,
    pub prefix: String,
    /// Every answer it receives is held to the OpenAPI document.
    pub http: CheckedClient,
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

/// The documented defaults with the test account's credentials and ids:
/// every required setting set.
pub fn default_settings() -> SettingsArgs {
    let mut settings = SettingsArgs {
        signup_api_token: Some(SecretString::from(SIGNUP_TOKEN)),
        ..SettingsArgs::default()
    };
    let hubspot = &mut settings.hubspot;
    hubspot.hubspot_client_secret = Some(SecretString::from(CLIENT_SECRET));
    hubspot.hubspot_access_token = Some(SecretString::from("test-access-token"));
    hubspot.hubspot_portal_id = PortalId::new(PORTAL_ID).ok();
    hubspot.hubspot_signup_form_guid = Some("0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f".to_owned());
    hubspot.hubspot_verification_email_id = Some(4242);
    settings
}

/// A configuration pointing at `redis_url`, with a unique key prefix: the
/// documented defaults, with the secrets tests use and short delays.
pub fn test_config(redis_url: &str) -> Config {
    let ms = Duration::from_millis;
    let hubspot_url = Url::parse("http://127.0.0.1:9").expect("URL");
    let mut settings = default_settings();
    settings.listen_addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let redis = &mut settings.redis;
    redis.redis_url = SecretString::from(redis_url);
    redis.redis_key_prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    redis.redis_command_timeout = ms(500);
    let hubspot = &mut settings.hubspot;
    hubspot.hubspot_api_base_url = hubspot_url.clone();
    hubspot.hubspot_forms_base_url = hubspot_url;
    hubspot.hubspot_http_timeout = Duration::from_secs(5);
    hubspot.hubspot_api_version = api_version_under_test();
    settings.signup.forms_quota = Quota {
        max: 1000,
        window: Duration::from_secs(10),
    };
    settings.signup.first_check_grace = ms(200);
    let worker = &mut settings.worker;
    worker.api_quota = settings.signup.forms_quota;
    worker.retry_base_delay = ms(20);
    worker.retry_max_delay = ms(200);
    worker.poll_interval = ms(10);
    worker.check_lease = Duration::from_secs(30);
    worker.contact_wait_horizon = Duration::from_secs(3600);
    worker.finished_ttl = Duration::from_secs(24 * 3600);
    worker.send_cooldown = Duration::ZERO;
    worker.send_status_delay = ms(50);
    Config::from_args(&settings).expect("the test configuration is valid")
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
        test_log::init();
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
            http: CheckedClient::new(),
            config,
            shutdown,
            server,
        }
    }

    /// The URL of `path` on the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path` on the app.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    /// The status of `GET path`.
    pub async fn get_status(&self, path: &str) -> u16 {
        self.get(path).await.status().as_u16()
    }

    /// The app's `/metrics` page.
    pub async fn metrics_text(&self) -> String {
        self.get("/metrics").await.text().await.expect("text")
    }

    /// The value of one series (`name` or `name{labels}`, as exported) on
    /// `/metrics`; 0 when it is not there.
    pub async fn metric(&self, series: &str) -> f64 {
        let text = self.metrics_text().await;
        let prefix = format!("{series} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0.0)
    }

    /// A Redis connection for assertions.
    pub async fn redis_conn(&self) -> redis::aio::MultiplexedConnection {
        self.redis.connection().await
    }

    /// A connection for assertions that works on one node and on a cluster.
    pub fn any_conn(&self) -> signup_reactor::store::RedisConnection {
        signup_reactor::store::RedisConnection::new(&self.config.redis).expect("redis connection")
    }

    /// The event stream's partitions, as this app names them.
    pub fn event_streams(&self) -> Vec<String> {
        let keys = signup_reactor::store::Keys::new(self.prefix.clone())
            .with_event_partitions(self.config.redis.event_partitions);
        (0..keys.event_partitions())
            .map(|p| keys.event_stream(p))
            .collect()
    }

    /// Number of entries in the event stream, over every partition.
    pub async fn stream_len(&self) -> usize {
        let mut conn = self.any_conn();
        let mut total = 0;
        for stream in self.event_streams() {
            let len: usize = redis::cmd("XLEN")
                .arg(stream)
                .query_async(&mut conn)
                .await
                .expect("XLEN");
            total += len;
        }
        total
    }

    /// Every stream entry of every partition, in recording order (by entry
    /// id; entries of one contact share a partition, so their order is exact).
    pub async fn stream_entries(&self) -> Vec<redis::streams::StreamId> {
        let mut conn = self.any_conn();
        let mut entries = Vec::new();
        for stream in self.event_streams() {
            let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
                .arg(stream)
                .arg("-")
                .arg("+")
                .query_async(&mut conn)
                .await
                .expect("XRANGE");
            entries.extend(reply.ids);
        }
        let order = |id: &str| -> (u64, u64) {
            let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
            (ms.parse().unwrap_or(0), seq.parse().unwrap_or(0))
        };
        entries.sort_by_key(|entry| order(&entry.id));
        entries
    }

    /// The `contact` field of every stream entry, in recording order.
    pub async fn stream_contacts(&self) -> Vec<String> {
        self.stream_entries()
            .await
            .iter()
            .map(|entry| entry.get::<String>("contact").expect("contact field"))
            .collect()
    }

    /// The `contact` field of every stream entry, sorted (the order across
    /// contacts in different partitions is not defined).
    pub async fn stream_contacts_sorted(&self) -> Vec<String> {
        let mut contacts = self.stream_contacts().await;
        contacts.sort();
        contacts
    }

    /// Every key in Redis but the process heartbeats (`{processes}`), which
    /// every running reactor process keeps whatever its work.
    pub async fn all_keys(&self) -> Vec<String> {
        let mut conn = self.redis_conn().await;
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut conn)
            .await
            .expect("KEYS");
        keys.into_iter()
            .filter(|key| !key.contains("{processes}:"))
            .collect()
    }
}

impl TestApp {
    /// The reactor's record of one signup, if it exists.
    pub async fn signup_record(
        &self,
        signup_id: &str,
    ) -> Option<signup_reactor::domain::SignupRecord> {
        let store = signup_reactor::store::RedisStore::connect(&self.config.redis).expect("store");
        store.signups().load(signup_id).await.expect("load signup")
    }
}
