//! What a demo run is told: the command-line flags of `signup-reactor demo`
//! and the validated options the library runs with.

use std::time::Duration;

use anyhow::{Context, ensure};
use hubspot_simulator::Profile;

/// Command-line options of `signup-reactor demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// How many signups each flow runs.
    #[arg(long, default_value_t = 200)]
    pub signups: usize,

    /// Multiplies HubSpot's realistic delays (form processing 0.5-10 s,
    /// visibility lag, webhook dispatch, rate-limit windows) and the naive
    /// flow's 5 s wait: 1 is real time, 0.02 runs 50 times faster.
    #[arg(long, default_value_t = 0.02)]
    pub time_scale: f64,

    /// Seed of the simulator's random choices (same for both flows).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,

    /// Deliver webhook requests twice, with this probability (0.3 when
    /// given without a value).
    #[arg(long, value_name = "P", num_args = 0..=1,
          default_missing_value = "0.3")]
    pub duplicates: Option<f64>,

    /// Hold webhook events back so they arrive out of order, with this
    /// probability (0.3 when given without a value).
    #[arg(long, value_name = "P", num_args = 0..=1,
          default_missing_value = "0.3")]
    pub reorder: Option<f64>,

    /// Inject bursts of 429, 5xx and slow responses on the Forms, CRM,
    /// contact profile and Single Send APIs.
    #[arg(long)]
    pub chaos: bool,

    /// Run against a HubSpot that keeps only its documented promises:
    /// `unkind` answers 5 % of every endpoint's requests 429 (half without
    /// `Retry-After`) and 5 % 503, announces new contacts by
    /// `contact.creation` alone, and enforces the Free quota (100 calls per
    /// 10 s); the reactor runs with its shipped defaults.
    #[arg(long, value_name = "PROFILE")]
    pub stress: Option<Profile>,

    /// How HubSpot delivers contact events: `classic` (`contact.*`, legacy
    /// apps), `generic` (`object.*` with objectTypeId 0-1, a project app's
    /// crmObjects subscriptions) or `mixed` (half each).
    #[arg(long, default_value = "classic", value_parser = ["classic", "generic", "mixed"])]
    pub webhook_style: String,

    /// A Redis for the reactor (optional); the demo writes under its own key
    /// prefix and deletes every key under it at the end. Unset: the demo
    /// starts a private `redis-server` from PATH on a free port and stops it
    /// afterwards.
    // Its value may carry a password: `--help` never shows it.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,

    /// Do not draw progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

/// Everything a demo run needs; build it from [`DemoArgs`] or directly.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Signups per flow.
    pub signups: usize,
    /// Multiplier of every simulated delay and of the naive flow's wait.
    pub time_scale: f64,
    /// Seed of the simulator (both flows use the same).
    pub seed: u64,
    /// Probability that a webhook request is delivered twice.
    pub duplicate_probability: f64,
    /// Probability that a webhook event is held back and arrives late.
    pub reorder_probability: f64,
    /// Whether bursts of faults are injected.
    pub chaos: bool,
    /// How the simulated HubSpot behaves (`--stress unkind`); the unkind
    /// profile also runs the reactor with its shipped defaults.
    pub profile: Profile,
    /// The webhook subscription style the simulator delivers.
    pub webhook_style: hubspot_simulator::EventStyle,
    /// The Redis URL; `None` runs a private `redis-server` for the run.
    pub redis_url: Option<String>,
    /// Whether progress bars are drawn (on a terminal).
    pub progress: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            signups: 200,
            time_scale: 0.02,
            seed: 7,
            duplicate_probability: 0.0,
            reorder_probability: 0.0,
            chaos: false,
            profile: Profile::Friendly,
            webhook_style: hubspot_simulator::EventStyle::Classic,
            redis_url: None,
            progress: true,
        }
    }
}

impl DemoArgs {
    /// The options these flags describe, validated.
    pub fn to_options(&self) -> anyhow::Result<DemoOptions> {
        let options = DemoOptions {
            signups: self.signups,
            time_scale: self.time_scale,
            seed: self.seed,
            duplicate_probability: self.duplicates.unwrap_or(0.0),
            reorder_probability: self.reorder.unwrap_or(0.0),
            chaos: self.chaos,
            profile: self.stress.unwrap_or_default(),
            webhook_style: match self.webhook_style.as_str() {
                "generic" => hubspot_simulator::EventStyle::Generic,
                "mixed" => hubspot_simulator::EventStyle::Mixed,
                _ => hubspot_simulator::EventStyle::Classic,
            },
            redis_url: self
                .redis_url
                .as_deref()
                .map(str::trim)
                .filter(|url| !url.is_empty())
                .map(str::to_owned),
            progress: !self.no_progress,
        };
        options.validate()?;
        Ok(options)
    }
}

impl DemoOptions {
    /// The Redis a run uses (`run_demo` sets it before any flow starts).
    pub(crate) fn redis(&self) -> anyhow::Result<&str> {
        self.redis_url
            .as_deref()
            .context("the demo run has no Redis")
    }

    /// Refuses options that cannot make a meaningful run.
    pub fn validate(&self) -> anyhow::Result<()> {
        ensure!(
            (1..=10_000).contains(&self.signups),
            "--signups must be between 1 and 10000"
        );
        ensure!(
            self.time_scale.is_finite() && self.time_scale > 0.0 && self.time_scale <= 1.0,
            "--time-scale must be greater than 0 and at most 1"
        );
        for (flag, p) in [
            ("--duplicates", self.duplicate_probability),
            ("--reorder", self.reorder_probability),
        ] {
            ensure!((0.0..=1.0).contains(&p), "{flag} must be between 0 and 1");
        }
        Ok(())
    }

    /// A nominal (HubSpot-time) duration compressed by the time scale.
    pub fn scaled(&self, nominal: Duration) -> Duration {
        nominal.mul_f64(self.time_scale)
    }

    /// The same, never shorter than `floor` (for timers of the reactor itself,
    /// which must not spin).
    pub fn scaled_at_least(&self, nominal: Duration, floor: Duration) -> Duration {
        self.scaled(nominal).max(floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonsense_options_are_refused() {
        let ok = DemoOptions::default();
        assert!(ok.validate().is_ok());
        for bad in [
            DemoOptions {
                signups: 0,
                ..ok.clone()
            },
            DemoOptions {
                time_scale: 0.0,
                ..ok.clone()
            },
            DemoOptions {
                time_scale: f64::NAN,
                ..ok.clone()
            },
            DemoOptions {
                duplicate_probability: 1.5,
                ..ok.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scaling_compresses_and_respects_floors() {
        let options = DemoOptions::default();
        assert_eq!(
            options.scaled(Duration::from_secs(5)),
            Duration::from_millis(100)
        );
        assert_eq!(
            options.scaled_at_least(Duration::from_millis(100), Duration::from_millis(10)),
            Duration::from_millis(10)
        );
    }
}
