//! `Debug` output that walks an error's whole cause chain, for logs.

use std::error::Error;
use std::fmt;

/// Writes `error` followed by each of its causes, one per line.
pub fn fmt_chain(error: &dyn Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "{error}")?;
    let mut source = error.source();
    while let Some(cause) = source {
        write!(f, "\n  caused by: {cause}")?;
        source = cause.source();
    }
    Ok(())
}
