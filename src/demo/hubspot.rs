//! The simulated HubSpot account both flows run against: one fresh simulator
//! per flow, same configuration and seed, so their figures are independent.

use anyhow::Context;

use super::options::DemoOptions;
use hubspot_simulator::{SimConfig, Simulator, SimulatorHandle};

/// The transactional email both flows send.
pub const VERIFICATION_EMAIL_ID: u64 = 1001;

/// The simulator's configuration for a run: HubSpot's realistic defaults
/// (delays, rate limits), time-compressed and seeded, with the webhook knobs
/// and the profile (`--stress`) the options ask for.
pub fn sim_config(options: &DemoOptions) -> SimConfig {
    let mut config = SimConfig {
        time_scale: options.time_scale,
        rng_seed: Some(options.seed),
        ..SimConfig::default()
    };
    config.webhooks.duplicate_probability = options.duplicate_probability;
    config.webhooks.reorder_probability = options.reorder_probability;
    config.webhooks.style = options.webhook_style;
    options.profile.apply(&mut config);
    config
}

/// Starts a fresh simulator for one flow.
pub async fn start(options: &DemoOptions) -> anyhow::Result<SimulatorHandle> {
    Simulator::start(sim_config(options))
        .await
        .context("cannot start the HubSpot simulator")
}

/// The simulator's single access token (CRM, Single Send).
pub fn access_token(config: &SimConfig) -> anyhow::Result<String> {
    config
        .access_tokens
        .first()
        .cloned()
        .context("the simulator accepts no access token")
}
