//! The reactor flow: the app hands each signup to the reactor
//! (`POST /v1/signups`) and does nothing else. The reactor submits the form,
//! waits for HubSpot's webhooks, confirms the contact and sends the email.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::drive::{Launched, Until, drive, settle};
use super::options::DemoOptions;
use super::progress::FlowProgress;
use super::reactor_config::reactor_config;
use super::signups::{ARRIVAL_GAP, DemoSignup};
use crate::startup::{Application, Role};
use crate::store::RedisSettings;
use crate::store::RedisStore;
use crate::worker::CONSUMER_GROUP;
use hubspot_simulator::SimulatorHandle;

/// How long (HubSpot time) after the last signup the emails may take before
/// the run gives up waiting: far beyond form processing, visibility lag,
/// webhook dispatch and a few retries.
const EMAIL_HORIZON: Duration = Duration::from_secs(300);
/// Never wait less than this (wall clock) for the emails.
const MIN_WAIT: Duration = Duration::from_secs(30);
/// Never wait less than this (wall clock) for the emails under a stressed
/// profile, where some of the reactor's waits are not compressed by the time
/// scale (a run ends as soon as every email is out).
const MIN_WAIT_STRESSED: Duration = Duration::from_secs(120);

/// The app backend's side of the reactor.
#[derive(Debug)]
struct Backend {
    http: reqwest::Client,
    signups_url: String,
    token: String,
}

/// Starts a reactor wired to `sim` under `key_prefix`, runs every signup
/// through it, waits for the emails and stops the reactor again.
pub async fn run(
    sim: &SimulatorHandle,
    options: &DemoOptions,
    people: &[DemoSignup],
    key_prefix: &str,
    progress: &FlowProgress,
    cancel: &CancellationToken,
) -> anyhow::Result<Launched> {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let config = reactor_config(options, sim.config(), &sim.base_url(), key_prefix, &token)?;
    let redis = config.redis.clone();
    let app = Application::build(config, Role::All)
        .await
        .context("cannot start the reactor")?;
    let port = app.port();
    let shutdown = app.shutdown_token();
    let server = tokio::spawn(app.run_until_stopped());
    sim.set_webhook_target(Some(format!("http://127.0.0.1:{port}/webhooks/hubspot")));
    let backend = Backend {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .context("cannot build an HTTP client")?,
        signups_url: format!("http://127.0.0.1:{port}/v1/signups"),
        token,
    };
    let outcome = run_signups(sim, options, people, &redis, backend, progress, cancel).await;
    shutdown.cancel();
    let stopped = server.await;
    sim.set_webhook_target(None);
    let launched = outcome?;
    stopped
        .context("the reactor task failed")?
        .context("the reactor failed")?;
    Ok(launched)
}

async fn run_signups(
    sim: &SimulatorHandle,
    options: &DemoOptions,
    people: &[DemoSignup],
    redis: &RedisSettings,
    backend: Backend,
    progress: &FlowProgress,
    cancel: &CancellationToken,
) -> anyhow::Result<Launched> {
    let backend = Arc::new(backend);
    let handle = move |person: DemoSignup| {
        let backend = Arc::clone(&backend);
        async move { backend.sign_up(&person).await }
    };
    let span = ARRIVAL_GAP.saturating_mul(u32::try_from(people.len()).unwrap_or(u32::MAX));
    let floor = if options.profile == hubspot_simulator::Profile::Friendly {
        MIN_WAIT
    } else {
        MIN_WAIT_STRESSED
    };
    let wait = options
        .scaled(span + EMAIL_HORIZON)
        .max(floor + options.scaled(span));
    let deadline = tokio::time::Instant::now() + wait;
    let launched = drive(
        sim,
        options,
        people,
        handle,
        Until::EveryEmail(deadline),
        progress,
        cancel,
    )
    .await?;
    progress.note("settling");
    let store = RedisStore::connect(redis).context("REDIS_URL")?;
    let limit = options.scaled_at_least(Duration::from_secs(60), Duration::from_secs(3));
    settle(sim, limit, cancel, || worker_idle(&store)).await?;
    Ok(launched)
}

/// Whether the worker has nothing left: no recorded event in any partition,
/// no open signup.
async fn worker_idle(store: &RedisStore) -> bool {
    let Ok(partitions) = store.events().event_partitions_in_use().await else {
        return false;
    };
    let stream = store
        .events()
        .stream_depth(CONSUMER_GROUP, partitions)
        .await;
    let signups = store.signups().depths().await;
    matches!((stream, signups), (Ok((0, _)), Ok((0, _))))
}

impl Backend {
    /// `POST /v1/signups`; the reactor answers 202 once the signup is safe.
    async fn sign_up(&self, person: &DemoSignup) -> anyhow::Result<()> {
        let body = json!({
            "email": person.email,
            "fields": {"firstname": person.first_name, "lastname": person.last_name},
            "context": person.context(),
            "emailCustomProperties": {"verify_url": person.verify_url()},
        });
        let response = self
            .http
            .post(&self.signups_url)
            .bearer_auth(&self.token)
            .header("Idempotency-Key", format!("demo-signup-{}", person.index))
            .json(&body)
            .send()
            .await
            .context("POST /v1/signups")?;
        let status = response.status();
        if !status.is_success() {
            bail!("the reactor answered {status}");
        }
        Ok(())
    }
}
