//! A TCP proxy in front of a test's Redis that can hold its clients' calls
//! of chosen commands (say `EVALSHA`, `SET`) until the test lets them
//! through: a write that the network or a busy server delays, at the moment
//! the test chooses, while reads pass. Everything else is forwarded byte for
//! byte.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// The proxy; it stops with the test's runtime.
pub struct HoldingProxy {
    /// `redis://` URL of the proxy.
    pub url: String,
    state: Arc<State>,
}

struct State {
    holding: AtomicBool,
    /// The command names held (`\r\nNAME\r\n` in the request), and how
    /// many matching calls pass before the next is held.
    rule: Mutex<(Vec<Vec<u8>>, usize)>,
    held: Notify,
    released: watch::Sender<u64>,
}

impl HoldingProxy {
    /// A proxy to the Redis at `redis_url` (`redis://host:port`).
    pub async fn start(redis_url: &str) -> Self {
        let target = redis_url
            .trim_start_matches("redis://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let (released, _) = watch::channel(0);
        let state = Arc::new(State {
            holding: AtomicBool::new(false),
            rule: Mutex::new((Vec::new(), 0)),
            held: Notify::new(),
            released,
        });
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&target).await else {
                    continue;
                };
                tokio::spawn(forward(client, server, shared.clone()));
            }
        });
        Self {
            url: format!("redis://127.0.0.1:{port}"),
            state,
        }
    }

    /// From now on, after `skip` calls of `commands` have passed, the next
    /// one waits until [`Self::release`].
    pub fn hold(&self, commands: &[&str], skip: usize) {
        let names = commands
            .iter()
            .map(|c| format!("\r\n{}\r\n", c.to_ascii_uppercase()).into_bytes())
            .collect();
        *self.state.rule.lock().expect("rule") = (names, skip);
        self.state.holding.store(true, Ordering::SeqCst);
    }

    /// From now on, the next script call waits until [`Self::release`].
    pub fn hold_scripts(&self) {
        self.hold(&["EVAL", "EVALSHA"], 0);
    }

    /// Waits until a script call is being held; false after `timeout`.
    pub async fn wait_held(&self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, self.state.held.notified())
            .await
            .is_ok()
    }

    /// Lets held calls through and holds nothing more.
    pub fn release(&self) {
        self.state.holding.store(false, Ordering::SeqCst);
        self.state
            .released
            .send_modify(|generation| *generation += 1);
    }
}

impl State {
    /// Whether this request is the one to hold (counting the passes).
    fn to_hold(&self, chunk: &[u8]) -> bool {
        let mut rule = self.rule.lock().expect("rule");
        let upper = chunk.to_ascii_uppercase();
        let matches = rule
            .0
            .iter()
            .any(|name| upper.windows(name.len()).any(|w| w == name.as_slice()));
        if !matches {
            return false;
        }
        if rule.1 > 0 {
            rule.1 -= 1;
            return false;
        }
        true
    }
}

async fn forward(client: TcpStream, server: TcpStream, state: Arc<State>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match client_read.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        let chunk = &buffer[..read];
        if state.holding.load(Ordering::SeqCst) && state.to_hold(chunk) {
            let mut released = state.released.subscribe();
            let seen = *released.borrow_and_update();
            state.held.notify_one();
            let _ = released.wait_for(|generation| *generation > seen).await;
        }
        if server_write.write_all(chunk).await.is_err() {
            return;
        }
    }
}
