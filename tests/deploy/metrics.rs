//! The README's metrics table is the metrics catalog, row for row; and the
//! code records metrics only through the catalog's names.

use std::collections::BTreeMap;

use signup_reactor::telemetry::catalog::{CATALOG, MetricKind};

use crate::readme::section;
use crate::support::read;

/// Backticked words of a cell, leaving out anything in parentheses.
fn ticked(cell: &str) -> Vec<String> {
    let mut depth = 0usize;
    let outside: String = cell
        .chars()
        .filter(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect();
    outside
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// name -> (type, labels) from the `## Metrics reference` table.
fn readme_metrics() -> BTreeMap<String, (String, Vec<String>)> {
    let readme = read("README.md");
    let rows = section(&readme, "## Metrics reference")
        .lines()
        .map(str::trim)
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2);
    let mut metrics = BTreeMap::new();
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        assert!(cells.len() >= 4, "metrics row with too few cells: {row}");
        for name in ticked(cells[0]) {
            metrics.insert(name, (cells[1].to_owned(), ticked(cells[2])));
        }
    }
    metrics
}

#[test]
fn the_readme_documents_every_metric_of_the_catalog_and_no_other() {
    let documented = readme_metrics();
    for metric in CATALOG {
        let Some((kind, labels)) = documented.get(metric.name) else {
            panic!("README's metrics table lacks {}", metric.name);
        };
        assert_eq!(kind, metric.kind.as_str(), "{}: type", metric.name);
        assert_eq!(labels, &metric.labels.to_vec(), "{}: labels", metric.name);
        assert!(!metric.help.is_empty(), "{} has no help text", metric.name);
    }
    for name in documented.keys() {
        assert!(
            CATALOG.iter().any(|metric| metric.name == name),
            "README documents {name}, which the catalog does not have"
        );
    }
    assert!(CATALOG.iter().any(|m| m.kind == MetricKind::Histogram));
}

/// Every Rust source file under `dir`.
fn sources(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn metrics_are_recorded_only_through_catalog_names() {
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut literal = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        let compact: String = text.split_whitespace().collect();
        for macro_name in ["counter!(\"", "gauge!(\"", "histogram!(\""] {
            if compact.contains(macro_name) {
                literal.push(format!("{} uses {macro_name}…", file.display()));
            }
        }
    }
    assert!(
        literal.is_empty(),
        "metric names outside the catalog: {literal:#?}"
    );
}
