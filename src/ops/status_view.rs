//! The text (or JSON) form of `status`'s report.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

use super::format_ms;
use super::status_report::{QueueView, StatusReport};

/// Writes the report to standard output; under `--watch` a terminal is
/// cleared first, and JSON is one document per line.
pub fn print(report: &StatusReport, json: bool, watching: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let text = if watching {
            serde_json::to_string(report)?
        } else {
            serde_json::to_string_pretty(report)?
        };
        writeln!(out, "{text}")?;
    } else {
        if watching && std::io::stdout().is_terminal() {
            write!(out, "\x1b[2J\x1b[H")?;
        }
        write!(out, "{}", render(report))?;
    }
    out.flush()?;
    Ok(())
}

fn age(seconds: Option<f64>) -> String {
    match seconds {
        Some(s) => format!("{s:.1}s"),
        None => "-".to_owned(),
    }
}

fn queue_line(name: &str, queue: &QueueView, what: &str) -> String {
    format!(
        "{name:<20} {:>8}   {what} {}\n",
        queue.depth,
        age(queue.oldest_age_seconds)
    )
}

/// The report as text, one screen.
pub fn render(report: &StatusReport) -> String {
    let mut text = String::new();
    let layout = if report.cluster {
        "cluster"
    } else {
        "one node"
    };
    let _ = writeln!(
        text,
        "signup-reactor status at {} (prefix {}, Redis {layout})\n",
        format_ms(report.at),
        report.key_prefix
    );
    let open = &report.open_signups;
    text.push_str(&queue_line("open signups", &open.queue, "oldest"));
    let states: Vec<String> = open
        .by_state
        .iter()
        .map(|(state, n)| format!("{state} {n}"))
        .collect();
    if !states.is_empty() {
        let _ = writeln!(
            text,
            "  by state (oldest {}): {}",
            open.sampled,
            states.join(", ")
        );
    }
    text.push_str(&queue_line("check queue", &report.check_queue, "due for"));
    text.push_str(&queue_line(
        "forms retry queue",
        &report.forms_retry_queue,
        "due for",
    ));
    let _ = writeln!(text, "\nevent stream      length  pending      lag");
    for p in &report.event_partitions {
        let lag = p.lag.map_or_else(|| "-".to_owned(), |lag| lag.to_string());
        let _ = writeln!(
            text,
            "  partition {:<4} {:>8} {:>8} {:>8}",
            p.partition, p.length, p.pending, lag
        );
    }
    let dead = &report.dead_letters;
    let _ = writeln!(
        text,
        "\ndead letters         {:>8}   newest: {}",
        dead.count,
        dead.newest_reason.as_deref().unwrap_or("-")
    );
    for quota in &report.quota {
        let _ = writeln!(
            text,
            "quota {:<14} {:>4}/{} in {}s",
            quota.limiter, quota.in_use, quota.max, quota.window_seconds
        );
    }
    let markers = &report.dedupe_markers;
    let _ = writeln!(
        text,
        "dedupe markers       {:>8}   {} ({} keys sampled on {} master(s))",
        markers.estimate,
        if markers.exact { "counted" } else { "estimate" },
        markers.keys_sampled,
        markers.masters
    );
    let _ = writeln!(
        text,
        "\nprocesses seen recently: {}",
        report.processes.len()
    );
    for process in &report.processes {
        let beat = &process.heartbeat;
        let _ = writeln!(
            text,
            "  {} {:<8} v{} {} started {} seen {:.0}s ago",
            beat.process_id,
            beat.role,
            beat.version,
            beat.host.as_deref().unwrap_or("-"),
            format_ms(beat.started_at),
            process.seen_seconds_ago
        );
    }
    text
}
