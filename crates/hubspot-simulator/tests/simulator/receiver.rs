//! A webhook receiver recording every request, answering per a plan.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    /// The delivered events (the body is a JSON array).
    pub fn events(&self) -> Vec<Value> {
        serde_json::from_slice(&self.body).expect("webhook body is a JSON array")
    }

    /// A header, by name in any case.
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
    /// Starts listening on a free port, answering per `plan`.
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

    /// The requests so far, in arrival order.
    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Every event of every request so far.
    pub fn all_events(&self) -> Vec<Value> {
        self.requests().iter().flat_map(Received::events).collect()
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.server.stop(false).await;
    }
}
