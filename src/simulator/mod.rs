//! The HubSpot simulator: HubSpot's Forms, CRM, Single Send and Webhooks APIs as
//! the reactor meets them, for tests and the demo. The reactor never imports it.

/// Command-line options of `signup-reactor simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {}

/// Runs the simulator until interrupted.
pub async fn run(_args: SimulateArgs) -> anyhow::Result<()> {
    anyhow::bail!("the simulator is not built yet")
}
