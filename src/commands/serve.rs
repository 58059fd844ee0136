//! `signup-reactor serve`.

use crate::config::{Config, SettingsArgs};
use crate::startup::{Application, Role};
use crate::telemetry;

/// Options of `serve`: the role, and every setting (flag or environment variable).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Which parts to run in this process.
    #[arg(long, value_enum, default_value = "all")]
    pub role: Role,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// Validates the configuration, then runs until SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = Config::from_args(&args.settings)?;
    telemetry::init_tracing(config.log_format);
    let app = Application::build(config, args.role).await?;
    app.run_until_stopped().await
}
