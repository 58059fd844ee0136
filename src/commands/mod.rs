//! Entry points of the subcommands; `main.rs` parses the command line and calls these.

mod serve;

pub use serve::{ServeArgs, serve};
