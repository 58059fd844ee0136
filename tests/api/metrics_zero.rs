//! A freshly started reactor process exposes every series of every counter
//! and histogram with a fixed label set, at 0: `increase()` and `rate()`
//! then see the first event of each kind.

use std::collections::{BTreeMap, BTreeSet};

use hubspot_simulator::Simulator;
use signup_reactor::telemetry::catalog::{CATALOG, MetricKind};
use signup_reactor::telemetry::label_values::label_sets;

use crate::support::binary::{assert_serving, serve_command};
use crate::support::redis_server::{TestRedis, free_port};
use crate::support::stack::sim_config;

/// A series: its name and labels.
type Series = (String, BTreeMap<String, String>);

/// The samples of a Prometheus text exposition.
fn samples(text: &str) -> BTreeMap<Series, f64> {
    let mut found = BTreeMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let labels = labels
            .split(',')
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                Some((key.to_owned(), value.trim_matches('"').to_owned()))
            })
            .collect();
        if let Ok(value) = value.parse() {
            found.insert((name.to_owned(), labels), value);
        }
    }
    found
}

#[tokio::test]
async fn a_fresh_process_exposes_every_known_series_at_zero() {
    let redis = TestRedis::start();
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let port = free_port();
    let prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    let _child = serve_command(port, &redis.url, &prefix, &sim)
        .args(["--role", "receiver"])
        .spawn()
        .expect("spawn signup-reactor");
    let url = format!("http://127.0.0.1:{port}/metrics");
    assert_serving(&url).await;
    let http = crate::support::contract::CheckedClient::new();
    let text = http
        .get(&url)
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    let found = samples(&text);
    let mut missing = BTreeSet::new();
    let mut checked = 0;
    for metric in CATALOG {
        let sample = match metric.kind {
            MetricKind::Counter => metric.name.to_owned(),
            MetricKind::Histogram => format!("{}_count", metric.name),
            MetricKind::Gauge => continue,
        };
        let Some(sets) = label_sets(metric) else {
            continue;
        };
        for labels in sets {
            let labels: BTreeMap<String, String> = labels
                .iter()
                .map(|label| (label.key().to_owned(), label.value().to_owned()))
                .collect();
            checked += 1;
            match found.get(&(sample.clone(), labels.clone())) {
                Some(value) => assert_eq!(*value, 0.0, "{sample}{labels:?}"),
                None => {
                    missing.insert(format!("{sample}{labels:?}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "series missing from /metrics: {missing:#?}"
    );
    assert!(checked > 100, "only {checked} series checked");
    for name in ["dead_letters_total", "redis_errors_total", "checks_total"] {
        assert!(
            found.keys().any(|(series, _)| series == name),
            "{name} is absent"
        );
    }
}
