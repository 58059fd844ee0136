//! Clients that trickle bytes are cut off at `HTTP_READ_TIMEOUT` instead of
//! holding a connection (and a body buffer) open indefinitely.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::app::TestApp;
use crate::support::contract::assert_raw_conforms;

/// Far longer than the deadline under test, far shorter than the trickle.
const PATIENCE: Duration = Duration::from_secs(20);

/// Sends `head`, then one byte of `trickle` every 300 ms, and returns what
/// the server answered before closing (or `None` if it did neither in time).
async fn trickle(app: &TestApp, head: String, trickle: &'static [u8]) -> Option<String> {
    let stream = TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.expect("head");
    let writing = tokio::spawn(async move {
        for byte in trickle {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
        }
    });
    let read = async {
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        String::from_utf8_lossy(&answer).into_owned()
    };
    let answer = tokio::time::timeout(PATIENCE, read).await.ok();
    writing.abort();
    answer
}

#[tokio::test]
async fn a_trickled_webhook_body_is_cut_off_with_408() {
    let app = TestApp::spawn_with(|c| c.http_read_timeout = Duration::from_secs(1)).await;
    let head = format!(
        "POST /webhooks/hubspot HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[",
        app.port
    );
    // 1000 bytes at one per 300 ms would take five minutes.
    let answer = trickle(&app, head, &[b' '; 999])
        .await
        .expect("the connection is answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert_raw_conforms(&reqwest::Method::POST, "/webhooks/hubspot", &answer);
    assert_eq!(app.stream_len().await, 0);
}

#[tokio::test]
async fn a_trickled_request_head_is_cut_off() {
    let app = TestApp::spawn_with(|c| c.http_read_timeout = Duration::from_secs(1)).await;
    let head = "POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\n".to_owned();
    let answer = trickle(&app, head, b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        .await
        .expect("the connection is closed");
    // actix-web's own answer, before any route is chosen: no body, so it is
    // not held to the route's documented 408.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer:?}"
    );
}
