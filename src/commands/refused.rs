//! A command line clap refused. When a setting's own parser refused its
//! value, the user sees the setting's message (`VAR is invalid: ...`), as for
//! any other configuration error, and `check` reports it as its failed
//! configuration line; clap's own wording would repeat the value, which may
//! be a secret. Any other refusal (an unknown flag, `--help`) is clap's.

use std::ffi::OsStr;

use crate::config::setting_refused;
use crate::ops::preflight::report;
use crate::ops::preflight_line::{PreflightLine, Verdict};

/// The error to exit with for `error`, refused while parsing the command
/// line of `command` (the subcommand named first); exits at once (through
/// clap) when no setting is to blame.
pub fn refused(error: clap::Error, command: Option<&OsStr>) -> anyhow::Error {
    let Some(setting) = setting_refused(&error) else {
        error.exit()
    };
    if command == Some(OsStr::new("check")) {
        let line = PreflightLine {
            verdict: Verdict::Fail,
            name: "configuration",
            detail: setting.to_string(),
        };
        if let Err(failed) = report(&[line]) {
            return failed;
        }
    }
    anyhow::Error::new(setting.clone())
}
