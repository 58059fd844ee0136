//! What one check step did, for its caller and the tests.

use std::time::Duration;

use super::reason::Reason;
use crate::worker::Step;

/// What became of the signups of one claimed batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// How many signups the claim took.
    pub claimed: usize,
    /// Signups whose email went out (or was queued by HubSpot).
    pub sent: Vec<String>,
    /// Signups not ready yet (or with nothing to do), with the reason.
    pub waiting: Vec<(String, Reason)>,
    /// Signups put off for a reason of their call, not theirs (quota, a
    /// failing or refusing HubSpot, a cooldown, a send pending).
    pub deferred: Vec<(String, Reason)>,
    /// Signups given up on, with the reason.
    pub dead_lettered: Vec<(String, String)>,
    /// Outcomes not written because the claim had passed to another worker.
    pub fenced: usize,
}

/// What one check step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// No signup was claimed; the next check is due after this long, if any.
    Idle {
        next_due: Option<Duration>,
    },
    Batch(BatchReport),
}

impl Step for CheckOutcome {
    fn is_idle(&self) -> bool {
        matches!(self, Self::Idle { .. })
    }

    fn idle_wait(&self) -> Option<Duration> {
        match self {
            Self::Idle { next_due } => *next_due,
            Self::Batch(_) => None,
        }
    }
}
