//! What a scenario measured, from the simulator's view of the account and
//! the reactor's Redis: overhead percentiles (Single Send accepted minus the
//! moment the contact was readable with this signup's own form submission),
//! confirming calls (every rate-limited request except send-status reads,
//! failed and retried ones included), emails per signup, dead letters, quota
//! 429s and Redis commands.

use std::collections::HashMap;

use hubspot_simulator::{Endpoint, RequestsByEndpoint, SimulatorHandle};

/// Endpoints whose requests are not confirming calls: the submissions
/// themselves, Single Send (exempt from the quota), send-status reads
/// (reported apart) and the webhook settings API.
const NOT_CONFIRMING: [Endpoint; 4] = [
    Endpoint::FormsSubmit,
    Endpoint::SingleSend,
    Endpoint::SendStatus,
    Endpoint::WebhooksApi,
];

/// The figures of one scenario.
#[derive(Debug, Default)]
pub struct Figures {
    pub signups: usize,
    /// Signups the reactor did not accept (`POST /v1/signups` not 202).
    pub refused: usize,
    /// Overhead of each emailed signup (ms), sorted.
    pub overhead: Vec<u64>,
    pub emailed_once: usize,
    pub emailed_more: usize,
    pub not_emailed: usize,
    /// First signup to last email (ms).
    pub last_email_ms: u64,
    pub confirming: u64,
    /// Confirming calls by endpoint (name, calls), largest first.
    pub confirming_by_endpoint: Vec<(String, u64)>,
    pub status_reads: u64,
    pub quota_429s: u64,
    pub injected: u64,
    pub dead_letters: u64,
    pub redis_commands: u64,
    /// The commands Redis ran most often (name, calls since it started).
    pub top_commands: Vec<(String, u64)>,
}

/// Confirming calls and send-status reads in `requests`.
pub fn calls(requests: &RequestsByEndpoint) -> (u64, u64) {
    let confirming = requests
        .iter()
        .filter(|(endpoint, _)| !NOT_CONFIRMING.contains(endpoint))
        .map(|(_, counts)| counts.received)
        .sum();
    let status = requests
        .get(&Endpoint::SendStatus)
        .map_or(0, |counts| counts.received);
    (confirming, status)
}

/// Confirming calls per endpoint, largest first.
pub fn confirming_by_endpoint(requests: &RequestsByEndpoint) -> Vec<(String, u64)> {
    let mut calls: Vec<(String, u64)> = requests
        .iter()
        .filter(|(endpoint, counts)| !NOT_CONFIRMING.contains(endpoint) && counts.received > 0)
        .map(|(endpoint, counts)| (format!("{endpoint:?}"), counts.received))
        .collect();
    calls.sort_by_key(|c| std::cmp::Reverse(c.1));
    calls
}

/// Emails, overheads and the last email of the signups in `signed_up`
/// (address to the moment it was posted, epoch ms), from the simulator.
pub fn emails(sim: &SimulatorHandle, signed_up: &HashMap<String, u64>, started: u64) -> Figures {
    let readable: HashMap<String, u64> = sim
        .submissions()
        .into_iter()
        .filter_map(|s| Some((s.email?, s.readable_at?)))
        .collect();
    let mut sent: HashMap<String, Vec<u64>> = HashMap::new();
    for email in sim.emails().into_iter().filter(|e| e.sent) {
        if signed_up.contains_key(&email.to) {
            sent.entry(email.to).or_default().push(email.requested_at);
        }
    }
    let mut figures = Figures {
        signups: signed_up.len(),
        ..Figures::default()
    };
    for address in signed_up.keys() {
        let times = sent.get(address).map(Vec::as_slice).unwrap_or_default();
        match times.len() {
            0 => figures.not_emailed += 1,
            1 => figures.emailed_once += 1,
            _ => figures.emailed_more += 1,
        }
        if let (Some(first), Some(at)) = (times.iter().min(), readable.get(address)) {
            figures.overhead.push(first.saturating_sub(*at));
            figures.last_email_ms = figures.last_email_ms.max(first.saturating_sub(started));
        }
    }
    if let Ok(path) = std::env::var("BENCH_DETAIL") {
        write_detail(sim, &sent, &path);
    }
    figures.overhead.sort_unstable();
    figures
}

/// Writes one CSV line per submission: address, accepted, processed,
/// readable and first email (epoch ms, 0 when none), contact id.
fn write_detail(sim: &SimulatorHandle, sent: &HashMap<String, Vec<u64>>, path: &str) {
    let mut out = String::new();
    for sub in sim.submissions() {
        let Some(email) = sub.email.clone() else {
            continue;
        };
        let first = sent.get(&email).and_then(|t| t.iter().min().copied());
        out.push_str(&format!(
            "{email},{},{},{},{},{}\n",
            sub.accepted_at,
            sub.processed_at.unwrap_or(0),
            sub.readable_at.unwrap_or(0),
            first.unwrap_or(0),
            sub.contact_id.unwrap_or(0)
        ));
    }
    if let Err(error) = std::fs::write(path, out) {
        println!("  BENCH_DETAIL: could not write {path}: {error}");
    }
}

/// The value at quantile `p` of `sorted` (ms), in seconds.
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default() as f64 / 1000.0
}

impl Figures {
    /// Prints the figures; `ceiling_s` is the Forms ceiling of a launch.
    pub fn print(&self, ceiling_s: Option<f64>) {
        let per = |n: u64| n as f64 / self.signups.max(1) as f64;
        println!(
            "  signups: {} ({} refused); emailed exactly once: {}, more than once: {}, never: {}",
            self.signups, self.refused, self.emailed_once, self.emailed_more, self.not_emailed
        );
        println!(
            "  overhead p50/p95:           {:.2} s / {:.2} s (max {:.2} s)",
            percentile(&self.overhead, 0.5),
            percentile(&self.overhead, 0.95),
            percentile(&self.overhead, 1.0)
        );
        println!(
            "  confirming calls/signup:    {:.3} ({} calls, failed and retried included)",
            per(self.confirming),
            self.confirming
        );
        if !self.confirming_by_endpoint.is_empty() {
            let parts: Vec<String> = self
                .confirming_by_endpoint
                .iter()
                .map(|(name, calls)| format!("{name} {calls}"))
                .collect();
            println!("    by endpoint:              {}", parts.join(", "));
        }
        println!(
            "  send status reads/signup:   {:.3} ({} reads)",
            per(self.status_reads),
            self.status_reads
        );
        if let Some(ceiling) = ceiling_s {
            println!(
                "  first signup to last email: {:.1} s (Forms ceiling {ceiling:.0} s)",
                self.last_email_ms as f64 / 1000.0
            );
        }
        println!(
            "  quota 429s:                 {} (injected faults apart: {})",
            self.quota_429s, self.injected
        );
        println!("  dead letters:               {}", self.dead_letters);
        println!(
            "  Redis commands/signup:      {:.1} ({} commands)",
            per(self.redis_commands),
            self.redis_commands
        );
        if !self.top_commands.is_empty() {
            let parts: Vec<String> = self
                .top_commands
                .iter()
                .map(|(name, calls)| format!("{name} {calls}"))
                .collect();
            println!("    most run:                 {}", parts.join(", "));
        }
    }
}
