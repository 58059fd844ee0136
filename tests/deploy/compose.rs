//! deploy/docker-compose.yml: Redis with its conf, two reactor replicas, a
//! load balancer in front.

use std::time::Duration;

use serde_yaml_ng::{Mapping, Value};

use crate::support::{at, read, repo_path, seq_at, str_at, try_at, yaml};

const DOCKERFILE: &str = "deploy/Dockerfile";

fn compose() -> Value {
    yaml("deploy/docker-compose.yml")
}

fn services(compose: &Value) -> &Mapping {
    at(compose, &["services"])
        .as_mapping()
        .expect("services mapping")
}

fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    services(compose)
        .get(name)
        .unwrap_or_else(|| panic!("service {name} missing"))
}

fn image(service: &Value) -> &str {
    try_at(service, &["image"])
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Services built from the reactor's Dockerfile.
fn reactor_services(compose: &Value) -> Vec<(&str, &Value)> {
    services(compose)
        .iter()
        .filter(|(_, service)| {
            try_at(service, &["build", "dockerfile"]).and_then(Value::as_str) == Some(DOCKERFILE)
        })
        .map(|(name, service)| (name.as_str().expect("service name"), service))
        .collect()
}

/// Strings of a list that may be written as `[a, b]` or one string.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(one) => vec![one.clone()],
        Value::Sequence(many) => many
            .iter()
            .map(|item| item.as_str().expect("string item").to_owned())
            .collect(),
        other => panic!("expected a string or list, got {other:?}"),
    }
}

fn depends_healthy(service: &Value, on: &str) -> bool {
    try_at(service, &["depends_on", on, "condition"]).and_then(Value::as_str)
        == Some("service_healthy")
}

/// Compose durations such as `40s`, `1m`, `1m30s`.
fn parse_duration(text: &str) -> Duration {
    let mut total = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let value: u64 = number
            .parse()
            .unwrap_or_else(|_| panic!("bad duration {text}"));
        number.clear();
        total += value
            * match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                _ => panic!("bad duration unit in {text}"),
            };
    }
    assert!(number.is_empty(), "duration {text} needs a unit");
    Duration::from_secs(total)
}

#[test]
fn durations_parse() {
    assert_eq!(parse_duration("40s"), Duration::from_secs(40));
    assert_eq!(parse_duration("1m30s"), Duration::from_secs(90));
}

#[test]
fn redis_mounts_its_conf_and_keeps_data_on_a_volume() {
    let compose = compose();
    let redis = service(&compose, "redis");
    assert!(
        image(redis).starts_with("redis:7"),
        "redis image {}",
        image(redis)
    );
    let volumes = strings(at(redis, &["volumes"]));
    let conf_target = volumes
        .iter()
        .find_map(|volume| volume.strip_prefix("./redis.conf:"))
        .expect("./redis.conf is mounted");
    let conf_target = conf_target.trim_end_matches(":ro");
    let command = strings(at(redis, &["command"]));
    assert_eq!(command.first().map(String::as_str), Some("redis-server"));
    assert!(
        command.iter().any(|arg| arg == conf_target),
        "redis-server must load the mounted conf {conf_target}: {command:?}"
    );
    let data_volume = volumes
        .iter()
        .find_map(|volume| volume.strip_suffix(":/data"))
        .expect("a volume on /data");
    assert!(
        try_at(&compose, &["volumes", data_volume]).is_some(),
        "named volume {data_volume} is not declared"
    );
    assert!(try_at(redis, &["healthcheck", "test"]).is_some());
    assert!(
        try_at(redis, &["ports"]).is_none(),
        "Redis must not be published"
    );
}

#[test]
fn two_reactor_replicas_built_from_the_dockerfile() {
    let compose = compose();
    let reactors = reactor_services(&compose);
    assert!(!reactors.is_empty(), "no service builds {DOCKERFILE}");
    let replicas: i64 = reactors
        .iter()
        .map(|(_, service)| {
            try_at(service, &["deploy", "replicas"])
                .map(|n| n.as_i64().expect("replicas"))
                .unwrap_or(1)
        })
        .sum();
    assert_eq!(replicas, 2, "expected two reactor replicas");
    for (name, service) in reactors {
        assert_eq!(str_at(service, &["build", "context"]), "..", "{name}");
        assert!(repo_path(DOCKERFILE).is_file());
        assert!(
            strings(at(service, &["env_file"])).contains(&"reactor.env".to_owned()),
            "{name} must read reactor.env"
        );
        assert!(
            depends_healthy(service, "redis"),
            "{name} waits for healthy Redis"
        );
        let test = strings(at(service, &["healthcheck", "test"]));
        assert!(
            test.iter().any(|part| part.contains("signup-reactor"))
                && test.iter().any(|part| part.contains("healthcheck")),
            "{name} healthcheck {test:?}"
        );
        let grace = parse_duration(str_at(service, &["stop_grace_period"]));
        assert!(grace >= Duration::from_secs(30), "{name} grace {grace:?}");
        assert!(
            try_at(service, &["ports"]).is_none(),
            "{name}: replicas are reached through the load balancer only"
        );
        if let Some(command) = try_at(service, &["command"]) {
            assert_eq!(strings(command).first().map(String::as_str), Some("serve"));
        }
    }
}

#[test]
fn a_load_balancer_fronts_every_replica() {
    let compose = compose();
    let reactors: Vec<&str> = reactor_services(&compose)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let balancers: Vec<&Value> = services(&compose)
        .values()
        .filter(|service| {
            let image = image(service);
            image.starts_with("nginx:") || image.starts_with("traefik:")
        })
        .collect();
    assert_eq!(balancers.len(), 1, "expected one nginx or traefik service");
    let balancer = balancers[0];
    assert!(
        !seq_at(balancer, &["ports"]).is_empty(),
        "balancer publishes a port"
    );
    for reactor in &reactors {
        assert!(
            depends_healthy(balancer, reactor),
            "balancer waits for healthy {reactor}"
        );
    }
    if image(balancer).starts_with("nginx:") {
        let volumes = strings(at(balancer, &["volumes"]));
        let conf = volumes
            .iter()
            .find_map(|volume| volume.strip_prefix("./").and_then(|v| v.split(':').next()))
            .expect("nginx config mounted from deploy/");
        let text = read(&format!("deploy/{conf}"));
        assert!(text.contains("upstream "), "{conf} has no upstream");
        for reactor in &reactors {
            assert!(
                text.contains(&format!("server {reactor}:8080")),
                "{conf} does not balance over {reactor}:8080"
            );
        }
    }
}

#[test]
fn every_bind_mounted_file_exists() {
    let compose = compose();
    for (name, service) in services(&compose) {
        let Some(volumes) = try_at(service, &["volumes"]) else {
            continue;
        };
        for volume in strings(volumes) {
            if let Some(source) = volume.strip_prefix("./") {
                let source = source.split(':').next().expect("source");
                assert!(
                    repo_path(&format!("deploy/{source}")).is_file(),
                    "{name:?} mounts missing deploy/{source}"
                );
            }
        }
    }
}
