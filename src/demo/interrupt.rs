//! Stopping a demo run early without leaving keys in Redis: Ctrl-C, SIGTERM
//! or a closed terminal (SIGHUP) cancel the run, which then cleans up.

use std::io::Write as _;

use tokio_util::sync::CancellationToken;

/// Cancels `cancel` on the first interrupting signal; abort the returned
/// task once the run is over.
pub fn cancel_on_signal(cancel: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        signalled().await;
        cancel.cancel();
        // Standard error may be gone with the terminal: never panic on it.
        let _ = writeln!(
            std::io::stderr(),
            "interrupted: stopping and deleting the demo's Redis keys"
        );
    })
}

#[cfg(unix)]
async fn signalled() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut waits = Vec::new();
    for kind in [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ] {
        if let Ok(mut stream) = signal(kind) {
            waits.push(Box::pin(async move {
                stream.recv().await;
            }));
        }
    }
    if waits.is_empty() {
        std::future::pending::<()>().await;
    }
    futures_util::future::select_all(waits).await;
}

#[cfg(not(unix))]
async fn signalled() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
