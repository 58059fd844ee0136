//! A stub HTTP server that gives every request the same canned answer and
//! counts the requests: a hostile or odd HubSpot.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, web};

/// A running stub; stops when dropped.
pub struct StubHttp {
    pub url: String,
    hits: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
}

impl StubHttp {
    /// Answers every request with `status`, `content_type` and `body`.
    pub fn start(status: u16, content_type: &'static str, body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind stub");
        let port = listener.local_addr().expect("addr").port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let status = StatusCode::from_u16(status).expect("status");
        let server = HttpServer::new(move || {
            let counter = counter.clone();
            App::new().default_service(web::to(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    HttpResponse::build(status)
                        .content_type(content_type)
                        .body(body)
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}"),
            hits,
            handle,
        }
    }

    /// Requests answered so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for StubHttp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}
