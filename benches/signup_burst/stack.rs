//! One scenario's system: a fresh simulator (friendly or unkind, in real
//! time), a private Redis and the reactor with its shipped defaults, wired
//! to each other.

use std::sync::Arc;
use std::time::Duration;

use hubspot_simulator::{Profile, RateLimit, Simulator, SimulatorHandle};
use signup_reactor::config::Config;
use signup_reactor::startup::Role;
use signup_reactor::store::Quota;

use crate::support::app::{TestApp, default_settings};
use crate::support::redis_server::TestRedis;
use crate::support::stack::{sim_config, wire};

/// A running scenario: the simulator and the reactor.
pub struct Bench {
    pub sim: SimulatorHandle,
    pub app: Arc<TestApp>,
}

/// The simulator's seed: `BENCH_SEED`, or one the simulator chooses.
fn seed() -> Option<u64> {
    std::env::var("BENCH_SEED").ok()?.trim().parse().ok()
}

/// Starts the simulator in real time with HubSpot's Forms limit (50 per
/// 10 s) and the Free API quota (100 per 10 s), under `profile`, and the
/// reactor with its documented defaults.
pub async fn start(profile: Profile) -> anyhow::Result<Bench> {
    let mut settings = sim_config();
    settings.time_scale = 1.0;
    settings.rng_seed = seed();
    settings.rate_limits.api = Some(RateLimit {
        max: 100,
        interval_ms: 10_000,
        daily: 1_000_000,
    });
    settings.rate_limits.forms = Some(RateLimit {
        max: 50,
        interval_ms: 10_000,
        daily: 1_000_000,
    });
    profile.apply(&mut settings);
    let sim = Simulator::start(settings).await?;
    let app = TestApp::spawn_role(Role::All, TestRedis::start(), |config| {
        wire(config, &sim);
        // The documented defaults, as a Free-tier deployment runs them.
        let defaults = Config::from_args(&default_settings()).expect("defaults");
        config.worker = defaults.worker;
        config.signup = defaults.signup;
        config.hubspot.http_timeout = defaults.hubspot.http_timeout;
        config.redis.command_timeout = Duration::from_secs(2);
        config.worker.api_quota = Quota {
            max: 100,
            window: Duration::from_secs(10),
        };
    })
    .await;
    sim.set_webhook_target(Some(app.webhook_url()));
    println!(
        "  simulator: {} profile, seed {} (BENCH_SEED={} replays it)",
        profile.name(),
        sim.seed(),
        sim.seed()
    );
    Ok(Bench {
        sim,
        app: Arc::new(app),
    })
}

impl Bench {
    /// Stops the reactor and the simulator (the Redis stops with the app).
    pub async fn stop(self) {
        self.app.shutdown.cancel();
        self.sim.stop().await;
    }
}
