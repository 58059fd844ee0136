//! The naive flow, as the app in the original support thread did it: submit
//! the form, wait a fixed 5 seconds after the Forms API answers, then call
//! Single Send with `contactProperties`. Whenever HubSpot has not processed
//! the form by then, Single Send creates the contact and its attribution is
//! lost.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::drive::{Launched, Until, drive, settle};
use super::hubspot::{VERIFICATION_EMAIL_ID, access_token};
use super::options::DemoOptions;
use super::progress::FlowProgress;
use super::signups::DemoSignup;
use hubspot_simulator::{DEFAULT_FORM_GUID, SimulatorHandle};

/// The fixed wait between the Forms API's answer and Single Send (HubSpot time).
pub const NAIVE_WAIT: Duration = Duration::from_secs(5);
/// Attempts per request; 429 and 5xx are retried, as HubSpot's clients do.
const ATTEMPTS: u32 = 5;
/// First back-off between attempts (HubSpot time), doubled each time.
const BACKOFF: Duration = Duration::from_secs(1);

/// What the naive app knows of HubSpot.
#[derive(Debug)]
struct NaiveApp {
    http: reqwest::Client,
    submit_url: String,
    send_url: String,
    token: String,
    wait: Duration,
    backoff: Duration,
}

/// Runs the naive flow for every signup against `sim`.
pub async fn run(
    sim: &SimulatorHandle,
    options: &DemoOptions,
    people: &[DemoSignup],
    progress: &FlowProgress,
    cancel: &CancellationToken,
) -> anyhow::Result<Launched> {
    let base = sim.base_url();
    let config = sim.config();
    let app = Arc::new(NaiveApp {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .context("cannot build an HTTP client")?,
        submit_url: format!(
            "{base}/submissions/v3/integration/submit/{}/{DEFAULT_FORM_GUID}",
            config.portal_id
        ),
        send_url: format!("{base}/marketing/v3/transactional/single-email/send"),
        token: access_token(config)?,
        wait: options.scaled(NAIVE_WAIT),
        backoff: options.scaled_at_least(BACKOFF, Duration::from_millis(5)),
    });
    let handle = move |person: DemoSignup| {
        let app = Arc::clone(&app);
        async move { app.sign_up(&person).await }
    };
    let launched = drive(
        sim,
        options,
        people,
        handle,
        Until::TasksDone,
        progress,
        cancel,
    )
    .await?;
    let limit = options.scaled_at_least(Duration::from_secs(30), Duration::from_secs(2));
    settle(sim, limit, cancel, || async { true }).await?;
    Ok(launched)
}

impl NaiveApp {
    async fn sign_up(&self, person: &DemoSignup) -> anyhow::Result<()> {
        let form = json!({
            "fields": [
                {"name": "email", "value": person.email},
                {"name": "firstname", "value": person.first_name},
                {"name": "lastname", "value": person.last_name},
            ],
            "context": person.context(),
        });
        self.post(&self.submit_url, &form, false)
            .await
            .context("form submission")?;
        tokio::time::sleep(self.wait).await;
        let send = json!({
            "emailId": VERIFICATION_EMAIL_ID,
            "message": {"to": person.email},
            "contactProperties": {
                "email": person.email,
                "firstname": person.first_name,
                "lastname": person.last_name,
            },
            "customProperties": {"verify_url": person.verify_url()},
        });
        self.post(&self.send_url, &send, true)
            .await
            .context("single send")
    }

    /// POSTs `body`, retrying 429, 5xx and transport errors with back-off.
    async fn post(&self, url: &str, body: &Value, bearer: bool) -> anyhow::Result<()> {
        let mut delay = self.backoff;
        for attempt in 1..=ATTEMPTS {
            let mut request = self.http.post(url).json(body);
            if bearer {
                request = request.bearer_auth(&self.token);
            }
            let retry = match request.send().await {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) => {
                    let status = response.status();
                    if status != StatusCode::TOO_MANY_REQUESTS && !status.is_server_error() {
                        bail!("HubSpot answered {status}");
                    }
                    format!("HubSpot answered {status}")
                }
                Err(error) => format!("request failed: {error}"),
            };
            if attempt == ATTEMPTS {
                bail!("{retry} after {ATTEMPTS} attempts");
            }
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
        bail!("no attempt made")
    }
}
