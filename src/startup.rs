//! Building and running the application: the HTTP server (receiver) and, by
//! role, the background workers, all under one shutdown signal.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::web::{self, Data};
use actix_web::{App, HttpServer};
use anyhow::Context;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::http;
use crate::hubspot::HubSpotClient;
use crate::signup::SignupIntake;
use crate::signup::handler::{SignupState, create_signup};
use crate::store::RedisStore;
use crate::webhook::WebhookState;
use crate::webhook::handler::receive;
use crate::worker::{BackgroundTask, FormsRetry, WorkerContext, background_tasks};

/// How long a client has to go (read its answer, close) once answered.
const CLIENT_DISCONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Which parts of the reactor a process runs (`serve --role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// HTTP receiver only (webhooks, signups, health, metrics).
    Receiver,
    /// Background workers only (health and metrics stay served).
    Worker,
    /// Both.
    All,
}

impl Role {
    /// The role's name, as `--role` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receiver => "receiver",
            Self::Worker => "worker",
            Self::All => "all",
        }
    }

    fn receives(self) -> bool {
        matches!(self, Self::Receiver | Self::All)
    }

    fn works(self) -> bool {
        matches!(self, Self::Worker | Self::All)
    }
}

/// A bound, ready-to-run reactor.
pub struct Application {
    port: u16,
    server: Server,
    workers: Vec<BackgroundTask>,
    store: RedisStore,
    readiness: http::ReadinessProbe,
    heartbeat: crate::store::Heartbeat,
    shutdown: CancellationToken,
}

impl Application {
    /// Connects (lazily) to Redis and binds `config.listen_addr` (port 0 picks a free port).
    pub async fn build(config: Config, role: Role) -> anyhow::Result<Self> {
        config
            .check_horizons()
            .context("the settings contradict each other")?;
        let store = RedisStore::connect(&config.redis).context("REDIS_URL is not usable")?;
        let hubspot = HubSpotClient::new(config.hubspot_endpoints())
            .context("cannot build the HubSpot client")?;
        let intake = SignupIntake::for_config(&config, store.clone(), hubspot.clone());
        let shutdown = CancellationToken::new();
        let mut workers: Vec<BackgroundTask> = Vec::new();
        if role.works() {
            let ctx = WorkerContext::for_config(&config, store.clone(), hubspot);
            let retry = FormsRetry {
                intake: intake.clone(),
                finished_ttl: config.worker.finished_ttl,
            };
            workers = background_tasks(ctx, retry, &shutdown);
        }
        let listener = TcpListener::bind(config.listen_addr)
            .with_context(|| format!("cannot listen on LISTEN_ADDR={}", config.listen_addr))?;
        let port = listener.local_addr()?.port();
        let (readiness_watch, readiness) = http::readiness(store.clone());
        let server = http_server(
            listener,
            &config,
            role,
            Served {
                store: store.clone(),
                intake,
                readiness: readiness_watch,
            },
        )?;
        tracing::info!(port, role = ?role, "signup-reactor listening");
        Ok(Self {
            port,
            server,
            workers,
            store,
            readiness,
            heartbeat: crate::telemetry::heartbeat::this_process(role.as_str()),
            shutdown,
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
    /// accepting and finishes in-flight requests, the workers finish the item
    /// in hand, then this returns.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let shutdown = self.shutdown.clone();
        let mut workers = JoinSet::new();
        workers.spawn(log_redis_settings(self.store.clone()));
        workers.spawn(self.readiness.run(shutdown.clone()));
        workers.spawn(crate::telemetry::heartbeat::keep_heartbeat(
            self.store.clone(),
            self.heartbeat,
            shutdown.clone(),
        ));
        for task in self.workers {
            workers.spawn(task);
        }
        let stopper = tokio::spawn(async move {
            tokio::select! {
                () = shutdown_signal() => tracing::info!("shutdown signal received; draining"),
                () = shutdown.cancelled() => tracing::info!("shutdown requested; draining"),
            }
            shutdown.cancel();
            handle.stop(true).await;
        });
        let result = self.server.await.context("HTTP server failed");
        self.shutdown.cancel();
        while workers.join_next().await.is_some() {}
        stopper.abort();
        tracing::info!("signup-reactor stopped");
        result
    }
}

/// What the HTTP handlers share.
struct Served {
    store: RedisStore,
    intake: SignupIntake,
    readiness: http::ReadinessWatch,
}

fn http_server(
    listener: TcpListener,
    config: &Config,
    role: Role,
    served: Served,
) -> anyhow::Result<Server> {
    let Served {
        store,
        intake,
        readiness,
    } = served;
    let webhook = Data::new(WebhookState {
        client_secret: config.hubspot.client_secret.clone(),
        portal_id: config.hubspot.portal_id,
        settings: config.webhook.clone(),
        store: store.clone(),
        body_deadline: config.http_read_timeout,
    });
    let signups = Data::new(SignupState {
        intake,
        api_token: config.signup_api_token.clone(),
        body_deadline: config.http_read_timeout,
    });
    let readiness = Data::new(readiness);
    let metrics = Data::new(crate::telemetry::metrics_handle());
    let receives = role.receives();
    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(from_fn(http::record_latency))
            .app_data(readiness.clone())
            .app_data(metrics.clone())
            .route("/healthz", web::get().to(http::healthz))
            .route("/readyz", web::get().to(http::readyz))
            .route("/metrics", web::get().to(http::metrics))
            .route("/openapi.json", web::get().to(crate::openapi::openapi_json));
        if !receives {
            return app;
        }
        app.app_data(webhook.clone())
            .app_data(signups.clone())
            .route("/webhooks/hubspot", web::post().to(receive))
            .route("/v1/signups", web::post().to(create_signup))
    })
    .disable_signals()
    // A client gets HTTP_READ_TIMEOUT for its request head (and again for the
    // body, in the handlers), and a second to go once answered.
    .client_request_timeout(config.http_read_timeout)
    .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Warns, once at start-up, when Redis could evict or lose the reactor's keys.
async fn log_redis_settings(store: RedisStore) {
    match store.server_settings().warnings().await {
        Ok(warnings) if warnings.is_empty() => {
            tracing::info!("redis: noeviction and append-only persistence are set")
        }
        Ok(warnings) => {
            for warning in warnings {
                tracing::warn!(
                    setting = warning.setting,
                    value = %warning.value,
                    risk = warning.risk,
                    "redis setting puts the reactor's data at risk"
                );
            }
        }
        Err(error) => tracing::warn!(error = ?error, "could not read redis settings at start-up"),
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
