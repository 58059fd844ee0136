//! The outcome of a demo run: both flows' figures side by side, and whether
//! the reactor flow kept its promises.

use std::time::Duration;

use super::measure::FlowFigures;

/// What `run_demo` returns and `run` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoReport {
    /// Signups per flow.
    pub signups: usize,
    /// The time scale both flows ran at.
    pub time_scale: f64,
    /// The simulator's seed.
    pub seed: u64,
    /// Which stress knobs were on (`duplicates`, `reorder`, `chaos`).
    pub stress: Vec<String>,
    /// The Redis key prefix the reactor wrote under (all deleted afterwards).
    pub key_prefix: String,
    /// Submit, wait 5 s, Single Send with `contactProperties`.
    pub naive: FlowFigures,
    /// `POST /v1/signups` and nothing else.
    pub reactor: FlowFigures,
    /// Wall-clock time of the whole run.
    pub elapsed: Duration,
}

impl DemoReport {
    /// Every way the reactor flow fell short: it must show no Offline Sources
    /// contact, no duplicate, no premature send, and one email per signup.
    pub fn reactor_problems(&self) -> Vec<String> {
        let r = &self.reactor;
        let mut problems = Vec::new();
        if r.offline_contacts > 0 {
            problems.push(format!(
                "{} contacts lost their attribution",
                r.offline_contacts
            ));
        }
        if r.contacts_with_duplicate_emails > 0 {
            problems.push(format!(
                "{} contacts got more than one email",
                r.contacts_with_duplicate_emails
            ));
        }
        if r.premature_emails > 0 {
            problems.push(format!(
                "{} emails went out before their contact existed",
                r.premature_emails
            ));
        }
        if r.emails_delivered != self.signups || r.signups_without_email > 0 {
            problems.push(format!(
                "{} emails for {} signups",
                r.emails_delivered, self.signups
            ));
        }
        problems
    }

    /// Whether the reactor flow kept every promise.
    pub fn reactor_succeeded(&self) -> bool {
        self.reactor_problems().is_empty()
    }
}
