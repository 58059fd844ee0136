//! A progress bar per flow (emails delivered out of signups), drawn on
//! standard error only when it is a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of one flow; draws nothing when disabled.
#[derive(Debug)]
pub struct FlowProgress {
    bar: Option<ProgressBar>,
}

impl FlowProgress {
    /// A bar labelled `label` counting up to `total` emails.
    pub fn new(enabled: bool, label: &str, total: usize) -> Self {
        if !enabled {
            return Self { bar: None };
        }
        let bar = ProgressBar::with_draw_target(
            Some(u64::try_from(total).unwrap_or(u64::MAX)),
            ProgressDrawTarget::stderr(),
        );
        let style = ProgressStyle::with_template(
            "{prefix:>13} [{bar:40.cyan/blue}] {pos:>5}/{len} emails  {elapsed}  {msg}",
        )
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        Self { bar: Some(bar) }
    }

    /// Sets how many emails have been delivered so far.
    pub fn set(&self, delivered: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(u64::try_from(delivered).unwrap_or(u64::MAX));
        }
    }

    /// A short note after the counter (what the flow is waiting for).
    pub fn note(&self, message: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    /// Leaves the bar on screen, finished.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message("");
            bar.abandon();
        }
    }
}

impl Drop for FlowProgress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar
            && !bar.is_finished()
        {
            bar.abandon();
        }
    }
}
