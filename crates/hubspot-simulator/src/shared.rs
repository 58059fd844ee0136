//! The context every handler and background task shares: configuration, the
//! locked state, the random source, and the bookkeeping of pending work.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio_util::sync::CancellationToken;

use super::clock::now_ms;
use super::config::{DelayRange, SimConfig};
use super::faults::FaultRule;
use super::rate_limit::RateLimiter;
use super::state::{State, Subscription};

/// State and services shared by the HTTP handlers and background tasks.
#[derive(Debug)]
pub struct Shared {
    /// The configuration the simulator started with.
    pub config: SimConfig,
    state: Mutex<State>,
    /// Rolling request budgets.
    pub rate: Mutex<RateLimiter>,
    /// The runtime that owns background work (not an HTTP worker's).
    pub runtime: tokio::runtime::Handle,
    /// Cancelled on shutdown; background tasks stop at their next wait.
    pub cancel: CancellationToken,
    /// HTTP client for webhook deliveries.
    pub http: reqwest::Client,
    /// Limits webhook requests in flight.
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// Wakes the webhook dispatcher when events become ready.
    pub notify: tokio::sync::Notify,
    pending: AtomicUsize,
}

/// Resolves each rule's window for an installation at `now` (epoch ms).
fn install(config: &SimConfig, now: u64, rules: Vec<FaultRule>) -> Vec<FaultRule> {
    let scale = |ms: u64| u64::try_from(config.scaled_ms(ms).as_millis()).unwrap_or(u64::MAX);
    rules
        .into_iter()
        .map(|rule| rule.installed(now, scale))
        .collect()
}

/// Keeps the pending-work count raised while alive.
#[derive(Debug)]
pub struct WorkGuard(Arc<Shared>);

impl Drop for WorkGuard {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shared {
    /// Builds the shared context from a configuration.
    /// A configuration without a seed gets a random one, recorded in
    /// `config.rng_seed` so that the run can be reproduced.
    pub fn new(mut config: SimConfig) -> anyhow::Result<Arc<Self>> {
        let seed = config
            .rng_seed
            .unwrap_or_else(|| rand::make_rng::<StdRng>().random());
        config.rng_seed = Some(seed);
        let rng = StdRng::seed_from_u64(seed);
        let now = now_ms();
        let mut subscriptions = Vec::new();
        let mut next_id = 1_000u64;
        let mut push = |event_type: &str, property: Option<&str>| {
            subscriptions.push(Subscription {
                id: next_id,
                event_type: event_type.to_owned(),
                property_name: property.map(str::to_owned),
                active: true,
                created_at: now,
                updated_at: now,
            });
            next_id += 1;
        };
        if config.webhooks.subscribe_creation {
            push("contact.creation", None);
        }
        for property in &config.webhooks.subscribed_properties {
            push("contact.propertyChange", Some(property));
        }
        let state = State {
            contacts: BTreeMap::new(),
            by_email: HashMap::new(),
            next_contact_id: config.first_contact_id,
            submissions: Vec::new(),
            emails: Vec::new(),
            send_ids: HashMap::new(),
            events: Vec::new(),
            next_event_id: 3_000_000_001,
            deliveries: Vec::new(),
            next_batch_id: 1,
            ready: Vec::new(),
            held_back: Vec::new(),
            subscriptions,
            next_subscription_id: next_id,
            target_url: config.webhooks.target_url.clone(),
            settings_created_at: now,
            settings_updated_at: now,
            max_concurrent_requests: config.webhooks.max_concurrent_requests,
            faults: install(&config, now, config.faults.clone()),
            quota_rejections: 0,
            requests: Default::default(),
            reveal_after_delivery: HashMap::new(),
            rng,
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.webhooks.timeout_ms.max(1)))
            .user_agent("HubSpot Connect 2.0 (http://dev.hubspot.com/) (simulator)")
            .build()
            .map_err(|error| anyhow::anyhow!("building the webhook HTTP client: {error}"))?;
        Ok(Arc::new(Self {
            rate: Mutex::new(RateLimiter::new(&config)),
            in_flight: Arc::new(tokio::sync::Semaphore::new(
                config.webhooks.max_concurrent_requests.max(1),
            )),
            config,
            state: Mutex::new(state),
            runtime: tokio::runtime::Handle::current(),
            cancel: CancellationToken::new(),
            http,
            notify: tokio::sync::Notify::new(),
            pending: AtomicUsize::new(0),
        }))
    }

    /// Locks the state. A panic elsewhere while it was held leaves plain data
    /// behind, which stays usable, so poisoning is ignored.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fault rules ready to be installed now: their windows resolved.
    pub fn install_faults(&self, rules: Vec<FaultRule>) -> Vec<FaultRule> {
        install(&self.config, now_ms(), rules)
    }

    /// Locks the rate limiter (poisoning ignored as for the state).
    pub fn lock_rate(&self) -> MutexGuard<'_, RateLimiter> {
        self.rate.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Marks a unit of background work as pending until the guard drops.
    pub fn work(self: &Arc<Self>) -> WorkGuard {
        self.pending.fetch_add(1, Ordering::SeqCst);
        WorkGuard(Arc::clone(self))
    }

    /// How many units of background work are pending (events waiting to be
    /// batched count as one each).
    pub fn pending_work(&self) -> usize {
        self.pending.load(Ordering::SeqCst) + self.lock().ready.len()
    }

    /// Draws a nominal delay from a range, then applies the time scale.
    pub fn draw_delay(&self, range: DelayRange) -> Duration {
        let nominal = {
            let (low, high) = (range.min_ms.min(range.max_ms), range.max_ms);
            if low >= high {
                low
            } else {
                self.lock().rng.random_range(low..=high)
            }
        };
        self.config.scaled_ms(nominal)
    }

    /// True with probability `p`.
    pub fn chance(&self, p: f64) -> bool {
        if p.is_nan() || p <= 0.0 {
            return false;
        }
        self.lock().rng.random_bool(p.min(1.0))
    }

    /// Sleeps for `delay` unless the simulator stops first; false when stopped.
    pub async fn sleep(&self, delay: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            () = self.cancel.cancelled() => false,
        }
    }

    /// A fresh UUID string (correlation ids, status ids, conversion ids).
    pub fn uuid() -> String {
        uuid::Uuid::new_v4().to_string()
    }
}
