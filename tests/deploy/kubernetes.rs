//! The Kubernetes manifests under deploy/kubernetes/.

use std::collections::BTreeSet;

use serde_yaml_ng::Value;

use crate::support::{
    KUBERNETES_DIR, at, int_at, kubernetes_manifest, repo_path, seq_at, str_at, string_map, try_at,
};
use crate::yaml_files::yaml_files_below;

/// The Deployment.
pub fn deployment() -> Value {
    kubernetes_manifest("deployment.yaml")
}

/// The one container of the Deployment.
pub fn container(deployment: &Value) -> &Value {
    let containers = seq_at(deployment, &["spec", "template", "spec", "containers"]);
    assert_eq!(containers.len(), 1, "expected one container");
    &containers[0]
}

fn pod_labels(deployment: &Value) -> Vec<(String, String)> {
    string_map(deployment, &["spec", "template", "metadata", "labels"])
}

/// Asserts that a non-empty `selector` picks the Deployment's pods.
fn assert_selects_pods(what: &str, selector: &[(String, String)], deployment: &Value) {
    assert!(!selector.is_empty(), "{what}: empty selector");
    let labels = pod_labels(deployment);
    for pair in selector {
        assert!(
            labels.contains(pair),
            "{what}: selector {pair:?} does not match the pod labels {labels:?}"
        );
    }
}

#[test]
fn each_manifest_has_its_kind() {
    for (file, api_version, kind) in [
        ("deployment.yaml", "apps/v1", "Deployment"),
        ("namespace.yaml", "v1", "Namespace"),
        (
            "networkpolicy.yaml",
            "networking.k8s.io/v1",
            "NetworkPolicy",
        ),
        ("service.yaml", "v1", "Service"),
        ("configmap.yaml", "v1", "ConfigMap"),
        ("secret.example.yaml", "v1", "Secret"),
        (
            "poddisruptionbudget.yaml",
            "policy/v1",
            "PodDisruptionBudget",
        ),
        (
            "kustomization.yaml",
            "kustomize.config.k8s.io/v1beta1",
            "Kustomization",
        ),
    ] {
        let document = kubernetes_manifest(file);
        assert_eq!(str_at(&document, &["apiVersion"]), api_version, "{file}");
        assert_eq!(str_at(&document, &["kind"]), kind, "{file}");
    }
}

#[test]
fn kustomization_lists_every_manifest_except_the_secret_template() {
    let kustomization = kubernetes_manifest("kustomization.yaml");
    let listed: BTreeSet<String> = seq_at(&kustomization, &["resources"])
        .iter()
        .map(|resource| resource.as_str().expect("resource path").to_owned())
        .collect();
    let expected: BTreeSet<String> = yaml_files_below(&repo_path(KUBERNETES_DIR))
        .iter()
        .map(|path| {
            path.file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "kustomization.yaml" && name != "secret.example.yaml")
        .collect();
    assert_eq!(listed, expected);
    assert!(!listed.contains("secret.example.yaml"));
    let text = std::fs::read_to_string(repo_path(&format!("{KUBERNETES_DIR}/kustomization.yaml")))
        .expect("kustomization.yaml");
    assert!(
        text.contains("secret.example.yaml"),
        "kustomization.yaml should explain why the secret template is left out"
    );
}

#[test]
fn deployment_runs_three_replicas_with_a_safe_rolling_update() {
    let deployment = deployment();
    assert_eq!(int_at(&deployment, &["spec", "replicas"]), 3);
    assert_eq!(
        str_at(&deployment, &["spec", "strategy", "type"]),
        "RollingUpdate"
    );
    let max_unavailable = at(
        &deployment,
        &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
    );
    assert!(
        max_unavailable.as_i64().is_some_and(|n| n <= 1),
        "maxUnavailable should be 0 or 1, is {max_unavailable:?}"
    );
    let selector = string_map(&deployment, &["spec", "selector", "matchLabels"]);
    assert_selects_pods("Deployment", &selector, &deployment);
    let args: Vec<&str> = seq_at(container(&deployment), &["args"])
        .iter()
        .map(|arg| arg.as_str().expect("string arg"))
        .collect();
    assert_eq!(
        args.first(),
        Some(&"serve"),
        "container must run `serve`: {args:?}"
    );
    if let Some(position) = args.iter().position(|arg| *arg == "--role") {
        let role = args.get(position + 1).expect("--role needs a value");
        assert!(
            ["receiver", "worker", "all"].contains(role),
            "bad role {role}"
        );
    }
}

#[test]
fn deployment_probes_readyz_and_healthz_on_the_http_port() {
    let deployment = deployment();
    let container = container(&deployment);
    let ports = seq_at(container, &["ports"]);
    assert!(
        ports
            .iter()
            .any(|port| int_at(port, &["containerPort"]) == 8080
                && str_at(port, &["name"]) == "http"),
        "container must expose 8080 named http"
    );
    for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
        assert_eq!(
            str_at(container, &[probe, "httpGet", "path"]),
            path,
            "{probe}"
        );
        let port = at(container, &[probe, "httpGet", "port"]);
        assert!(
            port.as_str() == Some("http") || port.as_i64() == Some(8080),
            "{probe} port {port:?}"
        );
    }
    if let Some(startup) = try_at(container, &["startupProbe"]) {
        assert_eq!(str_at(startup, &["httpGet", "path"]), "/healthz");
    }
}

#[test]
fn deployment_drains_before_it_is_killed() {
    let deployment = deployment();
    let grace = int_at(
        &deployment,
        &["spec", "template", "spec", "terminationGracePeriodSeconds"],
    );
    assert_eq!(grace, 45);
    let pre_stop = at(container(&deployment), &["lifecycle", "preStop"]);
    let sleep_seconds = match try_at(pre_stop, &["sleep", "seconds"]) {
        Some(seconds) => seconds.as_i64().expect("sleep.seconds"),
        None => {
            let command: Vec<&str> = seq_at(pre_stop, &["exec", "command"])
                .iter()
                .map(|part| part.as_str().expect("string"))
                .collect();
            assert_eq!(command.first(), Some(&"sleep"), "preStop {command:?}");
            command[1].parse().expect("sleep seconds")
        }
    };
    assert!(
        (2..=15).contains(&sleep_seconds),
        "preStop sleep {sleep_seconds}"
    );
    // The reactor drains for up to 30 s after SIGTERM.
    assert!(grace >= sleep_seconds + 30 + 5, "grace {grace} too short");
}

#[test]
fn deployment_is_locked_down_and_sized() {
    let deployment = deployment();
    let pod = at(&deployment, &["spec", "template", "spec"]);
    let container = container(&deployment);
    let run_as_non_root = try_at(container, &["securityContext", "runAsNonRoot"])
        .or_else(|| try_at(pod, &["securityContext", "runAsNonRoot"]));
    assert_eq!(run_as_non_root.and_then(Value::as_bool), Some(true));
    let security = at(container, &["securityContext"]);
    assert_eq!(
        at(security, &["readOnlyRootFilesystem"]).as_bool(),
        Some(true)
    );
    assert_eq!(
        at(security, &["allowPrivilegeEscalation"]).as_bool(),
        Some(false)
    );
    assert!(
        seq_at(security, &["capabilities", "drop"])
            .iter()
            .any(|capability| capability.as_str() == Some("ALL")),
        "capabilities must drop ALL"
    );
    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(
                try_at(container, &["resources", kind, resource]).is_some(),
                "resources.{kind}.{resource} missing"
            );
        }
    }
    let annotations = string_map(
        &deployment,
        &["spec", "template", "metadata", "annotations"],
    );
    for expected in [
        ("prometheus.io/scrape", "true"),
        ("prometheus.io/port", "8080"),
        ("prometheus.io/path", "/metrics"),
    ] {
        assert!(
            annotations.contains(&(expected.0.into(), expected.1.into())),
            "annotation {expected:?} missing: {annotations:?}"
        );
    }
}

#[test]
fn service_and_disruption_budget_select_the_deployment_pods() {
    let deployment = deployment();
    let service = kubernetes_manifest("service.yaml");
    assert_selects_pods(
        "Service",
        &string_map(&service, &["spec", "selector"]),
        &deployment,
    );
    let ports = seq_at(&service, &["spec", "ports"]);
    assert!(!ports.is_empty());
    for port in ports {
        let target = at(port, &["targetPort"]);
        assert!(
            target.as_str() == Some("http") || target.as_i64() == Some(8080),
            "Service targetPort {target:?}"
        );
    }

    let budget = kubernetes_manifest("poddisruptionbudget.yaml");
    let selector = string_map(&budget, &["spec", "selector", "matchLabels"]);
    assert_eq!(
        selector,
        string_map(&deployment, &["spec", "selector", "matchLabels"]),
        "PDB selector must equal the Deployment's"
    );
    assert_selects_pods("PodDisruptionBudget", &selector, &deployment);
    let min_available = try_at(&budget, &["spec", "minAvailable"]).and_then(Value::as_i64);
    let max_unavailable = try_at(&budget, &["spec", "maxUnavailable"]).and_then(Value::as_i64);
    assert!(
        min_available == Some(2) || max_unavailable == Some(1),
        "PDB should keep two of three pods: minAvailable {min_available:?}, maxUnavailable {max_unavailable:?}"
    );
}
