//! redis.conf, the compose env example, the release build script and the
//! Docker build context.

use crate::readme::{SECRET_VARIABLES, configuration_names, configuration_variables};
use crate::support::read;

/// Directives of a redis.conf: (name, arguments), comments dropped.
fn redis_directives(conf: &str) -> Vec<(String, String)> {
    conf.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, arguments) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            (name.to_ascii_lowercase(), arguments.trim().to_owned())
        })
        .collect()
}

#[test]
fn redis_conf_keeps_every_write_and_never_evicts() {
    let conf = read("deploy/redis.conf");
    let directives = redis_directives(&conf);
    // Redis applies the last occurrence.
    let value = |name: &str| {
        directives
            .iter()
            .rev()
            .find(|(directive, _)| directive == name)
            .map(|(_, arguments)| arguments.as_str())
            .unwrap_or_else(|| panic!("redis.conf lacks {name}"))
    };
    assert_eq!(value("appendonly"), "yes");
    assert_eq!(value("appendfsync"), "everysec");
    assert_eq!(value("maxmemory-policy"), "noeviction");
    assert_eq!(value("dir"), "/data");
    let save = value("save");
    assert!(
        !save.is_empty() && save != "\"\"",
        "RDB snapshots must be on: save {save}"
    );
    assert!(["yes", "no"].contains(&value("protected-mode")));
    assert!(!value("bind").is_empty());
    assert!(
        conf.lines()
            .any(|line| line.trim_start().starts_with('#') && line.contains("maxmemory ")),
        "redis.conf should explain how to size maxmemory"
    );
}

/// Variable names in the env example: `NAME=value` (set) or `# NAME=value`
/// (documented default).
fn env_example_entries(text: &str) -> Vec<(String, Option<String>)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let (commented, assignment) = match line.strip_prefix('#') {
                Some(rest) => (true, rest.trim_start()),
                None => (false, line),
            };
            let (name, value) = assignment.split_once('=')?;
            let is_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            is_name.then(|| (name.to_owned(), (!commented).then(|| value.to_owned())))
        })
        .collect()
}

#[test]
fn env_example_documents_every_configuration_variable() {
    let text = read("deploy/reactor.env.example");
    let entries = env_example_entries(&text);
    let known = configuration_names();
    for name in &known {
        assert!(
            entries.iter().any(|(entry, _)| entry == name),
            "reactor.env.example does not list {name}"
        );
    }
    for (name, _) in &entries {
        assert!(
            known.contains(name),
            "reactor.env.example: unknown variable {name}"
        );
        let count = entries.iter().filter(|(entry, _)| entry == name).count();
        assert_eq!(count, 1, "{name} listed {count} times");
    }
    let set = |name: &str| {
        entries
            .iter()
            .find(|(entry, _)| entry == name)
            .and_then(|(_, value)| value.clone())
    };
    for variable in configuration_variables().iter().filter(|v| v.required) {
        assert!(
            set(&variable.name).is_some(),
            "required {} must be set (uncommented) in the example",
            variable.name
        );
    }
    for name in SECRET_VARIABLES {
        assert_eq!(
            set(name).as_deref(),
            Some("CHANGE_ME"),
            "{name} placeholder"
        );
    }
    let redis_url = set("REDIS_URL").expect("REDIS_URL set for compose");
    assert!(
        redis_url.contains("@redis:6379") || redis_url.contains("//redis:6379"),
        "REDIS_URL must point at the compose redis service: {redis_url}"
    );
    // Every variable has its own description on the line above.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for (index, line) in lines.iter().enumerate() {
        if env_example_entries(line).is_empty() {
            continue;
        }
        let above = index.checked_sub(1).map(|i| lines[i]).unwrap_or("");
        assert!(
            above.starts_with("# ") && env_example_entries(above).is_empty(),
            "reactor.env.example: no description above {line}"
        );
    }
}

#[test]
fn release_build_script_is_shared_by_ci_and_the_image() {
    let script = read("deploy/build-release.sh");
    assert!(script.starts_with("#!/usr/bin/env bash"));
    assert!(script.contains("set -euo pipefail"));
    assert!(
        script.contains(
            "cargo build --release --locked -p signup-reactor --no-default-features --bin signup-reactor"
        ),
        "build-release.sh must run the locked release build without the demo (and its simulator)"
    );
    let ci = read(".ci/run");
    let lines: Vec<&str> = ci.lines().map(str::trim).collect();
    let build = lines
        .iter()
        .position(|line| *line == "bash deploy/build-release.sh")
        .expect(".ci/run must run bash deploy/build-release.sh");
    let tests = lines
        .iter()
        .position(|line| line.contains("cargo test --locked"))
        .expect(".ci/run runs the README's test command");
    assert!(build > tests, "the release build runs after the tests");
    assert!(
        lines[tests].contains("cd \"$bare/") && ci.contains("git clone"),
        ".ci/run runs the tests in a fresh clone with nothing beside it"
    );
    assert!(
        ci.contains("HUBSPOT_OPENAPI_DIR"),
        ".ci/run points the conformance tests at HubSpot's official specs"
    );
}

#[test]
fn docker_build_context_leaves_out_target_git_and_local_secrets() {
    let ignore = read(".dockerignore");
    let patterns: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    for required in ["target/", ".git", "deploy/reactor.env"] {
        assert!(
            patterns.contains(&required),
            ".dockerignore lacks {required}"
        );
    }
    assert!(
        read("deploy/.gitignore")
            .lines()
            .any(|line| line.trim() == "reactor.env"),
        "deploy/reactor.env must not be committed"
    );
}

#[test]
fn the_production_build_contains_no_simulator() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let tree = |features: &[&str]| {
        let output = std::process::Command::new(&cargo)
            .args(["tree", "--offline", "--locked", "-p", "signup-reactor"])
            .args(["-e", "normal,build", "--prefix", "none"])
            .args(features)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo tree runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let has_simulator = |tree: &str| tree.lines().any(|l| l.starts_with("hubspot-simulator "));
    let production = tree(&["--no-default-features"]);
    assert!(
        production
            .lines()
            .any(|l| l.starts_with("hubspot-signature ")),
        "{production}"
    );
    assert!(!has_simulator(&production), "{production}");
    assert!(
        has_simulator(&tree(&[])),
        "the default (demo) build uses the simulator"
    );
    assert!(
        read("deploy/build-release.sh").contains("--no-default-features"),
        "the image is built without default features"
    );
}
