//! The namespace and the NetworkPolicy of deploy/kubernetes/.

use serde_yaml_ng::Value;

use crate::support::{at, kubernetes_manifest, seq_at, str_at, string_map};

/// The port numbers of a rule's `ports`.
fn ports(rule: &Value) -> Vec<String> {
    seq_at(rule, &["ports"])
        .iter()
        .map(|port| match at(port, &["port"]) {
            Value::Number(n) => n.to_string(),
            Value::String(name) => name.clone(),
            other => panic!("port {other:?}"),
        })
        .collect()
}

#[test]
fn every_resource_goes_into_the_reactor_namespace() {
    let namespace = kubernetes_manifest("namespace.yaml");
    assert_eq!(str_at(&namespace, &["kind"]), "Namespace");
    let name = str_at(&namespace, &["metadata", "name"]);
    let kustomization = kubernetes_manifest("kustomization.yaml");
    assert_eq!(str_at(&kustomization, &["namespace"]), name);
    let secret = kubernetes_manifest("secret.example.yaml");
    assert_eq!(str_at(&secret, &["metadata", "namespace"]), name);
}

#[test]
fn the_network_policy_admits_only_the_ingress_controller_and_prometheus() {
    let policy = kubernetes_manifest("networkpolicy.yaml");
    assert_eq!(str_at(&policy, &["apiVersion"]), "networking.k8s.io/v1");
    assert_eq!(str_at(&policy, &["kind"]), "NetworkPolicy");
    let deployment = kubernetes_manifest("deployment.yaml");
    assert_eq!(
        string_map(&policy, &["spec", "podSelector", "matchLabels"]),
        string_map(&deployment, &["spec", "selector", "matchLabels"])
    );
    let types: Vec<&str> = seq_at(&policy, &["spec", "policyTypes"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(types, ["Ingress", "Egress"]);
    let ingress = seq_at(&policy, &["spec", "ingress"]);
    assert_eq!(ingress.len(), 1, "one ingress rule");
    assert_eq!(ports(&ingress[0]), ["http"], "only the reactor's port");
    let sources = seq_at(&ingress[0], &["from"]);
    assert_eq!(sources.len(), 2, "the ingress controller and Prometheus");
    for source in sources {
        assert!(
            at(source, &["namespaceSelector", "matchLabels"]).is_mapping(),
            "each source is a namespace: {source:?}"
        );
    }
    let egress: Vec<String> = seq_at(&policy, &["spec", "egress"])
        .iter()
        .flat_map(ports)
        .collect();
    assert_eq!(
        egress,
        ["6379", "53", "53", "443"],
        "Redis, DNS, HTTPS only"
    );
}
