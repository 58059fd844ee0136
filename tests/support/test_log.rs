//! `TEST_LOG`: set (e.g. `TEST_LOG=1`), the reactors the harness starts log
//! what they do, in-process ones through the test runner's capture (shown
//! for a failing test), child processes to the terminal; unset, they are
//! silent. `RUST_LOG` filters, as in production (default `info`).

use std::process::Stdio;
use std::sync::Once;

use tracing_subscriber::EnvFilter;

static SUBSCRIBER: Once = Once::new();

/// Whether `TEST_LOG` asks for the reactors' logs.
pub fn enabled() -> bool {
    std::env::var_os("TEST_LOG").is_some_and(|value| !value.is_empty())
}

/// Installs the test binary's tracing subscriber (once, and only when
/// [`enabled`]), writing through the test runner's capture.
pub fn init() {
    SUBSCRIBER.call_once(|| {
        if !enabled() {
            return;
        }
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_test_writer()
            .try_init();
    });
}

/// Where a child reactor's logs go: inherited under [`enabled`], discarded
/// otherwise; `RUST_LOG` passed on (the harness clears the environment).
pub fn route_child_logs(command: &mut tokio::process::Command) {
    if !enabled() {
        command.stdout(Stdio::null()).stderr(Stdio::null());
        return;
    }
    command.stdout(Stdio::inherit()).stderr(Stdio::inherit());
    if let Some(filter) = std::env::var_os("RUST_LOG") {
        command.env("RUST_LOG", filter);
    }
}
