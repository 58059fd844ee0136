//! Shared helpers: a fast simulator, an HTTP client and a webhook receiver.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hubspot_simulator::{DelayRange, SimConfig, Simulator, SimulatorHandle};
use serde_json::{Value, json};

pub use super::schemas::Spec;

pub const TOKEN: &str = "pat-na1-test-token";
pub const HUTK: &str = "0123456789abcdef0123456789abcdef";

/// A configuration that runs 100 times faster than real time, seeded.
pub fn fast_config() -> SimConfig {
    let mut config = SimConfig {
        access_tokens: vec![TOKEN.to_owned()],
        time_scale: 0.01,
        rng_seed: Some(7),
        processing_delay: DelayRange::ms(500, 3_000),
        visibility_lag: DelayRange::ms(0, 500),
        send_delay: DelayRange::ms(100, 500),
        ..SimConfig::default()
    };
    config.webhooks.dispatch_delay = DelayRange::ms(0, 500);
    config.webhooks.retry_delays_ms = vec![1_000; 10];
    config.webhooks.duplicate_probability = 0.0;
    config.webhooks.reorder_probability = 0.0;
    config
}

pub async fn start(config: SimConfig) -> SimulatorHandle {
    match Simulator::start(config).await {
        Ok(handle) => handle,
        Err(error) => panic!("simulator did not start: {error:#}"),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// Polls `check` every 10 ms until it yields a value or `limit` passes.
pub async fn eventually<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The Forms submit body for the default signup form.
pub fn signup_body(email: &str, hutk: Option<&str>) -> Value {
    let mut context = json!({ "pageUri": "https://app.example.com/signup", "pageName": "Sign up" });
    if let Some(hutk) = hutk {
        context["hutk"] = json!(hutk);
    }
    json!({
        "fields": [
            { "objectTypeId": "0-1", "name": "email", "value": email },
            { "objectTypeId": "0-1", "name": "firstname", "value": "Ann" },
        ],
        "context": context,
    })
}

pub async fn submit(sim: &SimulatorHandle, body: &Value) -> reqwest::Response {
    let config = sim.config();
    let url = format!(
        "{}/submissions/v3/integration/submit/{}/{}",
        sim.base_url(),
        config.portal_id,
        config.forms[0].guid
    );
    client()
        .post(url)
        .json(body)
        .send()
        .await
        .expect("forms request")
}

pub async fn single_send(sim: &SimulatorHandle, body: &Value) -> reqwest::Response {
    let url = format!(
        "{}/marketing/v3/transactional/single-email/send",
        sim.base_url()
    );
    client()
        .post(url)
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .expect("single send request")
}

pub async fn get_contact(sim: &SimulatorHandle, id_and_query: &str) -> reqwest::Response {
    let url = format!("{}/crm/v3/objects/contacts/{id_and_query}", sim.base_url());
    client()
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("crm request")
}

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn events(&self) -> Vec<Value> {
        serde_json::from_slice(&self.body).expect("webhook body is a JSON array")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// Decides the answer to the n-th request (from 0): status and delay.
pub type Plan = Arc<dyn Fn(usize) -> (u16, Duration) + Send + Sync>;

/// A webhook receiver recording every request, answering per its plan.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub max_in_flight: Arc<Mutex<(usize, usize)>>,
    server: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub async fn start(plan: Plan) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
        let addr = listener.local_addr().expect("receiver addr");
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let in_flight: Arc<Mutex<(usize, usize)>> = Arc::default();
        let counter = Arc::new(Mutex::new(0usize));
        let (rec, fl) = (received.clone(), in_flight.clone());
        let server = HttpServer::new(move || {
            let (rec, fl, counter, plan) = (rec.clone(), fl.clone(), counter.clone(), plan.clone());
            App::new()
                .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
                .default_service(web::to(move |request: HttpRequest, body: web::Bytes| {
                    let (rec, fl, counter, plan) =
                        (rec.clone(), fl.clone(), counter.clone(), plan.clone());
                    async move {
                        let index = {
                            let mut n = counter.lock().unwrap();
                            *n += 1;
                            *n - 1
                        };
                        {
                            let mut f = fl.lock().unwrap();
                            f.0 += 1;
                            f.1 = f.1.max(f.0);
                        }
                        let headers = request
                            .headers()
                            .iter()
                            .map(|(k, v)| {
                                (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())
                            })
                            .collect();
                        let url = {
                            let info = request.connection_info();
                            format!("{}://{}{}", info.scheme(), info.host(), request.uri())
                        };
                        rec.lock().unwrap().push(Received {
                            url,
                            headers,
                            body: body.to_vec(),
                        });
                        let (status, delay) = plan(index);
                        tokio::time::sleep(delay).await;
                        fl.lock().unwrap().0 -= 1;
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                            .finish()
                    }
                }))
        })
        .workers(2)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)
        .expect("receiver listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://{addr}/webhooks/hubspot"),
            received,
            max_in_flight: in_flight,
            server: handle,
        }
    }

    /// Always 204 at once.
    pub async fn ok() -> Self {
        Self::start(Arc::new(|_| (204, Duration::ZERO))).await
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn all_events(&self) -> Vec<Value> {
        self.requests().iter().flat_map(Received::events).collect()
    }

    pub async fn stop(self) {
        self.server.stop(false).await;
    }
}
