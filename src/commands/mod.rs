//! Entry points of the subcommands; `main.rs` parses the command line and calls these.

mod healthcheck;
mod refused;
mod serve;

pub use healthcheck::{HealthcheckArgs, healthcheck};
pub use refused::refused;
pub use serve::{ServeArgs, serve};
