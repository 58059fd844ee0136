//! Building and running the application: the HTTP server (receiver) and, by
//! role, the background tasks, all under one shutdown signal.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::web::{self, Data};
use actix_web::{App, HttpServer};
use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::http;
use crate::store::RedisStore;
use crate::webhook::handler::{WebhookState, receive};

/// Which parts of the reactor a process runs (`serve --role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// HTTP receiver only (webhooks, signups, health, metrics).
    Receiver,
    /// Background worker only (health and metrics stay served).
    Worker,
    /// Both.
    All,
}

/// A bound, ready-to-run reactor.
pub struct Application {
    port: u16,
    server: Server,
    shutdown: CancellationToken,
}

impl Application {
    /// Connects (lazily) to Redis and binds `config.listen_addr` (port 0 picks a free port).
    pub async fn build(config: Config, role: Role) -> anyhow::Result<Self> {
        if role == Role::Worker {
            anyhow::bail!("--role worker is not available: this version has no worker");
        }
        let store = RedisStore::connect(&config.redis).context("REDIS_URL is not usable")?;
        let listener = TcpListener::bind(config.listen_addr)
            .with_context(|| format!("cannot listen on LISTEN_ADDR={}", config.listen_addr))?;
        let port = listener.local_addr()?.port();
        let webhook = Data::new(WebhookState {
            client_secret: config.hubspot.client_secret.clone(),
            portal_id: config.hubspot.portal_id,
            settings: config.webhook.clone(),
            store: store.clone(),
        });
        let store = Data::new(store);
        let metrics = Data::new(crate::telemetry::metrics_handle());
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(http::record_latency))
                .app_data(store.clone())
                .app_data(metrics.clone())
                .app_data(webhook.clone())
                .route("/healthz", web::get().to(http::healthz))
                .route("/readyz", web::get().to(http::readyz))
                .route("/metrics", web::get().to(http::metrics))
                .route("/webhooks/hubspot", web::post().to(receive))
        })
        .disable_signals()
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        tracing::info!(port, role = ?role, "signup-reactor listening");
        Ok(Self {
            port,
            server,
            shutdown: CancellationToken::new(),
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A token that, when cancelled, stops the application gracefully (as SIGTERM does).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Runs until SIGTERM/SIGINT or the shutdown token: the server stops
    /// accepting, in-flight requests finish, then this returns.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let shutdown = self.shutdown.clone();
        let signals = tokio::spawn(async move {
            tokio::select! {
                () = shutdown_signal() => tracing::info!("shutdown signal received; draining"),
                () = shutdown.cancelled() => tracing::info!("shutdown requested; draining"),
            }
            handle.stop(true).await;
        });
        let result = self.server.await.context("HTTP server failed");
        signals.abort();
        tracing::info!("signup-reactor stopped");
        result
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
