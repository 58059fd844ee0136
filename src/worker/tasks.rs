//! The background tasks of a worker process, each a loop of single steps
//! under the process's shutdown token.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{
    EventConsumer, FormsRetry, GaugeReporter, SignupChecker, Sweeper, WorkerContext, run_steps,
    run_steps_waiting, run_steps_woken, wake_list::watch_wake_list,
};

/// A task to spawn; it returns once shutdown is signalled and its step is done.
pub type BackgroundTask = Pin<Box<dyn Future<Output = ()> + Send>>;

/// How often queue depths are published.
const GAUGE_INTERVAL: Duration = Duration::from_secs(5);

/// Longest sleep of an idle checker or Forms retry task: wake-ups bring it
/// new work, its own next due time the rest; this only bounds the cost of a
/// lost wake-up (a process whose connection failed while a token went by).
const IDLE_LIMIT: Duration = Duration::from_secs(10);

/// `event_consumers` consumers, the wake list watcher, `concurrency` signup checkers, the
/// Forms retry worker, the sweep and the gauges.
pub fn background_tasks(
    ctx: Arc<WorkerContext>,
    forms_retry: FormsRetry,
    shutdown: &CancellationToken,
) -> Vec<BackgroundTask> {
    let poll = ctx.settings.poll_interval;
    let mut tasks: Vec<BackgroundTask> = Vec::new();

    // `EVENT_CONSUMERS` consumers, each its own member of the group: an
    // idle one blocks in Redis until events come (on a connection of its
    // own) rather than sleeping.
    for index in 0..ctx.settings.event_consumers {
        let consumer = Arc::new(EventConsumer::numbered(ctx.clone(), index));
        let leaving = consumer.clone();
        let waiting = consumer.clone();
        let consume = run_steps_waiting(
            "consume_events",
            poll,
            shutdown.clone(),
            move || {
                let consumer = consumer.clone();
                async move { consumer.process_next().await }
            },
            move || {
                let consumer = waiting.clone();
                async move { consumer.wait_for_events().await }
            },
        );
        tasks.push(Box::pin(async move {
            consume.await;
            leaving.leave().await;
        }));
    }

    // An idle checker sleeps until the earliest due check, or until a
    // signup becomes due sooner: a token on the wake list, from whichever
    // replica made it due (an event it consumed, a Forms call that went
    // through).
    tasks.push(Box::pin(watch_wake_list(ctx.clone(), shutdown.clone())));
    for _ in 0..ctx.settings.concurrency {
        let checker = SignupChecker::new(ctx.clone());
        tasks.push(Box::pin(run_steps_woken(
            "check_signups",
            poll * 4,
            IDLE_LIMIT,
            Some(ctx.wake.clone()),
            shutdown.clone(),
            move || {
                let checker = checker.clone();
                async move { checker.process_next().await }
            },
        )));
    }

    // Likewise the Forms retry task: until its queue's next due time, or a
    // token (a retry scheduled by any replica).
    let retry = Arc::new(forms_retry);
    tasks.push(Box::pin(run_steps_woken(
        "retry_forms",
        poll,
        IDLE_LIMIT,
        Some(ctx.wake.clone()),
        shutdown.clone(),
        move || {
            let retry = retry.clone();
            async move { retry.process_next().await }
        },
    )));

    let sweeper = Arc::new(Sweeper::new(ctx.clone()));
    let sweep_pause = ctx.settings.sweep_interval;
    tasks.push(Box::pin(run_steps(
        "sweep",
        sweep_pause,
        shutdown.clone(),
        move || {
            let sweeper = sweeper.clone();
            async move { sweeper.sweep_once().await }
        },
    )));

    let gauges = Arc::new(GaugeReporter::new(ctx));
    tasks.push(Box::pin(run_steps(
        "gauges",
        GAUGE_INTERVAL,
        shutdown.clone(),
        move || {
            let gauges = gauges.clone();
            async move { gauges.refresh().await }
        },
    )));
    tasks
}
