//! The `hubspot-simulator` command: the simulator as a standalone process, for
//! poking at it by hand or pointing an integration at it.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

use super::config::{DelayRange, SimConfig};
use super::profile::Profile;
use super::server::Simulator;

/// Command-line options of `hubspot-simulator`. Options given on the
/// command line override the `--config` file, which overrides the defaults.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Address to listen on; Forms, CRM, Single Send, Webhooks v3 and the
    /// `/_sim/` inspection API all share it.
    #[arg(long, env = "SIM_LISTEN_ADDR", default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,

    /// JSON file holding a full or partial simulator configuration (same
    /// field names as `--print-config` shows; missing fields keep defaults).
    #[arg(long, env = "SIM_CONFIG")]
    pub config: Option<PathBuf>,

    /// Print the effective configuration as JSON and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Multiplies every simulated delay (processing, retries, rate-limit
    /// windows): 1 is real time, 0.01 runs 100 times faster.
    #[arg(long, env = "SIM_TIME_SCALE")]
    pub time_scale: Option<f64>,

    /// Shortest form processing delay in ms, before time scaling.
    #[arg(long)]
    pub processing_delay_min_ms: Option<u64>,

    /// Longest form processing delay in ms, before time scaling.
    #[arg(long)]
    pub processing_delay_max_ms: Option<u64>,

    /// The app's client secret, used to sign webhooks (v1 and v3).
    #[arg(long, env = "HUBSPOT_CLIENT_SECRET")]
    pub client_secret: Option<String>,

    /// A bearer token the CRM, Single Send and secure Forms APIs accept
    /// (repeat for several).
    #[arg(long = "access-token", env = "HUBSPOT_ACCESS_TOKEN")]
    pub access_tokens: Vec<String>,

    /// The developer API key (`hapikey`) of the Webhooks v3 API.
    #[arg(long)]
    pub developer_api_key: Option<String>,

    /// Accept any request without checking tokens.
    #[arg(long)]
    pub no_auth: bool,

    /// The HubSpot account (portal) id.
    #[arg(long, env = "HUBSPOT_PORTAL_ID")]
    pub portal_id: Option<u64>,

    /// The app id carried by webhook events.
    #[arg(long)]
    pub app_id: Option<u32>,

    /// GUID given to the default signup form (fields: email (required),
    /// firstname, lastname, company). Use `--config` for other forms.
    #[arg(long, env = "HUBSPOT_SIGNUP_FORM_GUID")]
    pub form_guid: Option<String>,

    /// Where webhooks are delivered, exactly as the v3 signature covers it.
    #[arg(long, env = "SIM_WEBHOOK_TARGET")]
    pub webhook_target: Option<String>,

    /// Probability that a delivered webhook request is delivered again.
    #[arg(long)]
    pub duplicate_probability: Option<f64>,

    /// Probability that a webhook event is held back and arrives late.
    #[arg(long)]
    pub reorder_probability: Option<f64>,

    /// Seed for every random choice, for reproducible runs (printed at
    /// start; a random one when not given).
    #[arg(long, env = "SIM_SEED")]
    pub seed: Option<u64>,

    /// A named behaviour applied on top of the configuration: `friendly`
    /// (as configured) or `unkind` (5 % 429 and 5 % 503 on every endpoint, no
    /// `email` event at creation, the Free quota of 100 calls per 10 s).
    #[arg(long, env = "SIM_PROFILE", default_value = "friendly")]
    pub profile: Profile,
}

impl SimulateArgs {
    /// The configuration these options describe.
    pub fn to_config(&self) -> anyhow::Result<SimConfig> {
        let mut config = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                serde_json::from_str(&text).with_context(|| {
                    format!("parsing {} as a simulator configuration", path.display())
                })?
            }
            None => SimConfig::default(),
        };
        config.listen = self.listen;
        if let Some(scale) = self.time_scale {
            config.time_scale = scale;
        }
        let delay = config.processing_delay;
        config.processing_delay = DelayRange::ms(
            self.processing_delay_min_ms.unwrap_or(delay.min_ms),
            self.processing_delay_max_ms.unwrap_or(delay.max_ms),
        );
        if let Some(secret) = &self.client_secret {
            config.client_secret.clone_from(secret);
        }
        if !self.access_tokens.is_empty() {
            config.access_tokens.clone_from(&self.access_tokens);
        }
        if let Some(key) = &self.developer_api_key {
            config.developer_api_key.clone_from(key);
        }
        if self.no_auth {
            config.require_auth = false;
        }
        if let Some(portal) = self.portal_id {
            config.portal_id = portal;
        }
        if let Some(app) = self.app_id {
            config.app_id = app;
        }
        if let (Some(guid), Some(form)) = (&self.form_guid, config.forms.first_mut()) {
            form.guid.clone_from(guid);
        }
        if self.webhook_target.is_some() {
            config.webhooks.target_url.clone_from(&self.webhook_target);
        }
        if let Some(p) = self.duplicate_probability {
            config.webhooks.duplicate_probability = p;
        }
        if let Some(p) = self.reorder_probability {
            config.webhooks.reorder_probability = p;
        }
        if self.seed.is_some() {
            config.rng_seed = self.seed;
        }
        self.profile.apply(&mut config);
        Ok(config)
    }
}

/// Runs the simulator until Ctrl-C.
pub async fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let config = args.to_config()?;
    if args.print_config {
        println!("{}", serde_json::to_string_pretty(&config)?);
        return Ok(());
    }
    let _ = tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let handle = Simulator::start(config).await?;
    println!("HubSpot simulator listening on {}", handle.base_url());
    println!("profile: {}, seed: {}", args.profile.name(), handle.seed());
    println!("inspect: {}/_sim/stats", handle.base_url());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    handle.stop().await;
    Ok(())
}
