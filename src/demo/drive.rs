//! What both flows share: sending each signup on its way at its arrival time,
//! then watching the simulator until the verification emails are out.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::options::DemoOptions;
use super::progress::FlowProgress;
use super::signups::{DemoSignup, arrival};
use hubspot_simulator::SimulatorHandle;

/// How often the simulator is looked at while a flow runs.
const POLL: Duration = Duration::from_millis(25);

use crate::clock::now_ms;

/// What sending the signups on their way gave.
#[derive(Debug, Default)]
pub struct Launched {
    /// When each signup was handed over (epoch ms), by email address.
    pub submitted_at: HashMap<String, u64>,
    /// Signups whose requests failed for good.
    pub failed: usize,
}

/// When to stop waiting.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    /// Once every signup's task has finished (its email is sent by then).
    TasksDone,
    /// Once every signup has an email, or the deadline has passed.
    EveryEmail(tokio::time::Instant),
}

/// Runs `handle` for every signup at its arrival time, and waits as `until`
/// says, updating `progress`. Fails only when `cancel` fires.
pub async fn drive<F, Fut>(
    sim: &SimulatorHandle,
    options: &DemoOptions,
    people: &[DemoSignup],
    handle: F,
    until: Until,
    progress: &FlowProgress,
    cancel: &CancellationToken,
) -> anyhow::Result<Launched>
where
    F: Fn(DemoSignup) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let handle = Arc::new(handle);
    let start = tokio::time::Instant::now();
    let mut tasks = JoinSet::new();
    for person in people.iter().cloned() {
        let handle = Arc::clone(&handle);
        let at = start + arrival(options, person.index);
        tasks.spawn(async move {
            tokio::time::sleep_until(at).await;
            let submitted_at = now_ms();
            let email = person.email.clone();
            let outcome = handle(person).await;
            if let Err(error) = &outcome {
                tracing::debug!(error = format!("{error:#}"), "a signup's request failed");
            }
            (email, submitted_at, outcome.is_ok())
        });
    }
    let mut launched = Launched::default();
    progress.note("signing up");
    loop {
        while let Some(joined) = tasks.try_join_next() {
            match joined {
                Ok((email, at, ok)) => {
                    launched.submitted_at.insert(email, at);
                    launched.failed += usize::from(!ok);
                }
                Err(_) => launched.failed += 1,
            }
        }
        let delivered = recipients_emailed(sim);
        progress.set(delivered);
        if tasks.is_empty() {
            match until {
                Until::TasksDone => break,
                Until::EveryEmail(deadline) => {
                    progress.note("waiting for emails");
                    if delivered >= people.len() || tokio::time::Instant::now() >= deadline {
                        break;
                    }
                }
            }
        }
        tokio::select! {
            () = cancel.cancelled() => {
                tasks.abort_all();
                bail!("interrupted");
            }
            () = tokio::time::sleep(POLL) => {}
        }
    }
    Ok(launched)
}

/// Distinct recipients with at least one email sent.
pub fn recipients_emailed(sim: &SimulatorHandle) -> usize {
    sim.emails()
        .into_iter()
        .filter(|e| e.sent)
        .map(|e| e.to)
        .collect::<HashSet<_>>()
        .len()
}

/// Waits until the simulator has nothing in flight (form processing, webhook
/// deliveries) and `also` holds, or `limit` passes; `cancel` cuts it short.
pub async fn settle<F, Fut>(
    sim: &SimulatorHandle,
    limit: Duration,
    cancel: &CancellationToken,
    mut also: F,
) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if sim.stats().pending_work == 0 && also().await {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(());
        }
        tokio::select! {
            () = cancel.cancelled() => bail!("interrupted"),
            () = tokio::time::sleep(POLL) => {}
        }
    }
}
