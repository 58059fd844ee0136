//! A stub HTTP server that gives every request the same canned answer and
//! keeps what it got: a hostile or odd HubSpot, or a plain receiver of what
//! a client puts on the wire.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// One request the stub got: path with query, and body.
#[derive(Debug, Clone)]
pub struct Captured {
    pub url: String,
    pub body: Vec<u8>,
}

/// A running stub; stops when dropped.
pub struct StubHttp {
    pub url: String,
    captured: Arc<Mutex<Vec<Captured>>>,
    handle: actix_web::dev::ServerHandle,
}

impl StubHttp {
    /// Answers every request with `status`, `content_type` (none when
    /// empty) and `body`.
    pub fn start(status: u16, content_type: &'static str, body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind stub");
        let port = listener.local_addr().expect("addr").port();
        let captured: Arc<Mutex<Vec<Captured>>> = Arc::default();
        let sink = Arc::clone(&captured);
        let status = StatusCode::from_u16(status).expect("status");
        let server = HttpServer::new(move || {
            let sink = Arc::clone(&sink);
            App::new().default_service(web::to(move |request: HttpRequest, got: web::Bytes| {
                sink.lock().expect("lock").push(Captured {
                    url: request.uri().to_string(),
                    body: got.to_vec(),
                });
                async move {
                    let mut answer = HttpResponse::build(status);
                    if !content_type.is_empty() {
                        answer.content_type(content_type);
                    }
                    answer.body(body)
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}"),
            captured,
            handle,
        }
    }

    /// Requests answered so far.
    pub fn hits(&self) -> usize {
        self.captured.lock().expect("lock").len()
    }

    /// The requests answered so far, in order.
    pub fn requests(&self) -> Vec<Captured> {
        self.captured.lock().expect("lock").clone()
    }
}

impl Drop for StubHttp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}
