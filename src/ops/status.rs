//! `signup-reactor status [--watch [INTERVAL]] [--json]`: one screen from
//! Redis saying whether the reactor is healthy and what it is doing. It
//! only reads, on one node or a cluster.

use std::time::Duration;

use super::connect;
use super::status_report::{
    DeadLettersView, MarkersView, OpenSignupsView, PartitionView, ProcessView, QueueView,
    QuotaView, StatusReport,
};
use crate::config::RedisArgs;
use crate::store::{Limiter, Quota, RedisStore};
use crate::worker::CONSUMER_GROUP;

/// Options of `status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Refresh every INTERVAL (default 2s) until interrupted.
    #[arg(long, num_args = 0..=1, default_missing_value = "2s", value_parser = humantime::parse_duration)]
    pub watch: Option<Duration>,
    /// Print JSON (one document per refresh) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Open signups whose state is read (the oldest first).
    #[arg(long, default_value_t = 1000)]
    pub sample: usize,
    /// The API quota, to show the share in use.
    #[arg(long, env = "HUBSPOT_API_RATE_LIMIT", default_value = "100/10s")]
    pub api_rate_limit: String,
    /// The Forms quota, to show the share in use.
    #[arg(long, env = "FORMS_RATE_LIMIT", default_value = "50/10s")]
    pub forms_rate_limit: String,
    #[command(flatten)]
    pub redis: RedisArgs,
}

fn seconds_since(now: u64, at: Option<u64>) -> Option<f64> {
    at.map(|at| now.saturating_sub(at) as f64 / 1000.0)
}

/// Reads the report (read-only).
pub async fn gather(
    store: &RedisStore,
    sample: usize,
    quotas: &[(Limiter, Quota)],
) -> anyhow::Result<StatusReport> {
    let reads = store.status_reads();
    let keys = store.keys();
    let now = crate::clock::now_ms();
    let (open, oldest_open) = reads.sorted_set(&keys.signups_open()).await?;
    let by_state = reads.open_signup_statuses(sample).await?;
    let (due, earliest_due) = reads.sorted_set(&keys.signups_due()).await?;
    let (retries, earliest_retry) = reads.sorted_set(&keys.forms_retry_queue()).await?;
    let mut event_partitions = Vec::new();
    for partition in 0..store.events().event_partitions_in_use().await? {
        let depth = reads.partition(partition, CONSUMER_GROUP).await?;
        event_partitions.push(PartitionView {
            partition,
            length: depth.length,
            pending: depth.pending,
            lag: depth.lag,
        });
    }
    let (dead, newest_reason) = reads.dead_letters().await?;
    let mut quota = Vec::new();
    for (limiter, limit) in quotas {
        let in_use = store
            .rate_limits()
            .in_use_read_only(*limiter, *limit, crate::clock::now_ms())
            .await?;
        quota.push(QuotaView {
            limiter: limiter.name(),
            in_use: in_use.min(limit.max),
            max: limit.max,
            window_seconds: limit.window.as_secs_f64(),
        });
    }
    let samples = reads.marker_samples().await?;
    let dedupe_markers = MarkersView {
        estimate: samples.iter().map(estimate).sum(),
        exact: samples.iter().all(|s| s.complete),
        keys_sampled: samples.iter().map(|s| s.seen).sum(),
        masters: samples.len(),
    };
    let mut processes: Vec<ProcessView> = store
        .heartbeats()
        .alive()
        .await?
        .into_iter()
        .map(|heartbeat| ProcessView {
            seen_seconds_ago: now.saturating_sub(heartbeat.beat_at) as f64 / 1000.0,
            heartbeat,
        })
        .collect();
    processes.sort_by_key(|p| p.heartbeat.started_at);
    Ok(StatusReport {
        at: now,
        key_prefix: keys.prefix().to_owned(),
        cluster: reads.is_cluster().await?,
        open_signups: OpenSignupsView {
            queue: QueueView {
                depth: open,
                oldest_age_seconds: seconds_since(now, oldest_open),
            },
            sampled: by_state.values().sum(),
            by_state,
        },
        check_queue: QueueView {
            depth: due,
            oldest_age_seconds: seconds_since(now, earliest_due),
        },
        forms_retry_queue: QueueView {
            depth: retries,
            oldest_age_seconds: seconds_since(now, earliest_retry),
        },
        event_partitions,
        dead_letters: DeadLettersView {
            count: dead,
            newest_reason,
        },
        quota,
        dedupe_markers,
        processes,
    })
}

/// One master's markers: counted when its scan finished, else the sampled
/// share of its keys applied to all of them.
fn estimate(sample: &crate::store::KeySample) -> u64 {
    if sample.complete || sample.seen == 0 {
        return sample.markers;
    }
    let share = sample.markers as f64 / sample.seen as f64;
    ((share * sample.keys_in_db as f64).round() as u64).max(sample.markers)
}

fn quota(name: &str, raw: &str) -> anyhow::Result<Quota> {
    Quota::parse(raw)
        .ok_or_else(|| anyhow::anyhow!("{name}={raw:?} is not N/duration (e.g. 100/10s)"))
}

/// Prints the report once, or every `--watch` interval until Ctrl-C.
pub async fn status(args: StatusArgs) -> anyhow::Result<()> {
    let quotas = [
        (
            Limiter::Api,
            quota("HUBSPOT_API_RATE_LIMIT", &args.api_rate_limit)?,
        ),
        (
            Limiter::Forms,
            quota("FORMS_RATE_LIMIT", &args.forms_rate_limit)?,
        ),
    ];
    let store = connect(&args.redis).await?;
    let Some(interval) = args.watch else {
        let report = gather(&store, args.sample, &quotas).await?;
        return super::status_view::print(&report, args.json, false);
    };
    loop {
        match gather(&store, args.sample, &quotas).await {
            Ok(report) => super::status_view::print(&report, args.json, true)?,
            Err(error) => eprintln!("status: {error:#}"),
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            () = tokio::time::sleep(interval) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::KeySample;

    #[test]
    fn marker_estimates_scale_the_sampled_share() {
        let exact = KeySample {
            seen: 10,
            markers: 4,
            complete: true,
            keys_in_db: 10,
        };
        assert_eq!(estimate(&exact), 4);
        let partial = KeySample {
            seen: 1000,
            markers: 250,
            complete: false,
            keys_in_db: 8000,
        };
        assert_eq!(estimate(&partial), 2000);
        let empty = KeySample::default();
        assert_eq!(estimate(&empty), 0);
    }
}
