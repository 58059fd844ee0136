//! deploy/docker-compose.yml against the Compose Specification's own JSON
//! schema (vendored in tests/deploy/schemas/, Apache-2.0, see its LICENSE
//! file beside it), the nginx image and routes, and the `watch` profile.

use serde_yaml_ng::Value;

use crate::support::{at, read, repo_path, try_at, yaml};

fn compose() -> Value {
    yaml("deploy/docker-compose.yml")
}

#[test]
fn the_compose_file_validates_against_the_compose_specification() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("tests/deploy/schemas/compose-spec.json")).expect("schema");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("the Compose Specification schema compiles");
    let instance = serde_json::to_value(compose()).expect("compose as JSON");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "compose file: {errors:#?}");
    // The schema catches what it should: an unknown service key.
    let mut broken = instance.clone();
    broken["services"]["redis"]["imagee"] = serde_json::json!("redis:7");
    assert!(
        !validator.is_valid(&broken),
        "the schema must refuse unknown keys"
    );
    assert!(
        repo_path("tests/deploy/schemas/compose-spec.LICENSE").is_file(),
        "the vendored schema keeps its licence"
    );
}

#[test]
fn the_compose_file_says_it_needs_compose_v2() {
    let text = read("deploy/docker-compose.yml");
    if try_at(&compose(), &["name"]).is_some() {
        assert!(
            text.contains("Compose v2"),
            "a top-level name: needs Docker Compose v2; the file must say so"
        );
    }
}

#[test]
fn nginx_is_pinned_to_a_release_with_resolve_and_hides_readyz_and_metrics() {
    let compose = compose();
    let image = at(&compose, &["services", "loadbalancer", "image"])
        .as_str()
        .expect("image");
    let version = image
        .strip_prefix("nginx:")
        .and_then(|tag| tag.split('-').next())
        .expect("an nginx image");
    let parts: Vec<u32> = version
        .split('.')
        .map(|n| n.parse().expect("a numeric version"))
        .collect();
    assert_eq!(parts.len(), 3, "nginx pinned to a full version: {image}");
    assert!(
        (parts[0], parts[1], parts[2]) >= (1, 27, 3),
        "`resolve` in an upstream needs nginx 1.27.3 or later: {image}"
    );
    let conf = read("deploy/nginx.conf");
    for hidden in ["/metrics", "/readyz"] {
        let location = format!("location = {hidden} {{\n        return 404;");
        assert!(conf.contains(&location), "nginx must not expose {hidden}");
    }
}

#[test]
fn the_watch_profile_runs_prometheus_with_the_rules_and_grafana_with_the_dashboard() {
    let compose = compose();
    let mounts = |service: &str| -> Vec<String> {
        let service = at(&compose, &["services", service]);
        let profiles: Vec<&str> = at(service, &["profiles"])
            .as_sequence()
            .expect("profiles")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(profiles, ["watch"], "an optional profile");
        at(service, &["volumes"])
            .as_sequence()
            .expect("volumes")
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let prometheus = mounts("prometheus");
    for file in ["./prometheus/prometheus.yml:", "./prometheus/alerts.yml:"] {
        assert!(
            prometheus.iter().any(|m| m.starts_with(file)),
            "prometheus mounts {file}"
        );
    }
    let grafana = mounts("grafana");
    assert!(
        grafana
            .iter()
            .any(|m| m.starts_with("./grafana/signup-reactor.json:/var/lib/grafana/dashboards/")),
        "grafana mounts the dashboard where the provider reads it"
    );
    let provider = yaml("deploy/grafana/provisioning/dashboards/signup-reactor.yml");
    let path = at(&provider, &["providers"])
        .as_sequence()
        .expect("providers")[0]
        .get("options")
        .and_then(|o| o.get("path"))
        .and_then(Value::as_str)
        .expect("provider path")
        .to_owned();
    assert_eq!(path, "/var/lib/grafana/dashboards");
}
