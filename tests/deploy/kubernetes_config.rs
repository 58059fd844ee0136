//! The configuration of deploy/kubernetes/: the ConfigMap and the Secret
//! template hold the README's variables, secrets only in the Secret, and the
//! Deployment takes its environment from both.

use crate::kubernetes::{container, deployment};
use crate::readme::{SECRET_VARIABLES, configuration_names, configuration_variables};
use crate::support::{kubernetes_manifest, seq_at, str_at, string_map, try_at};

#[test]
fn deployment_takes_its_environment_from_the_configmap_and_the_secret() {
    let deployment = deployment();
    let env_from = seq_at(container(&deployment), &["envFrom"]);
    let config_map = str_at(
        &kubernetes_manifest("configmap.yaml"),
        &["metadata", "name"],
    )
    .to_owned();
    let secret = str_at(
        &kubernetes_manifest("secret.example.yaml"),
        &["metadata", "name"],
    )
    .to_owned();
    let referenced = |kind: &str| -> Vec<String> {
        env_from
            .iter()
            .filter_map(|source| try_at(source, &[kind, "name"]))
            .map(|name| name.as_str().expect("name").to_owned())
            .collect()
    };
    assert_eq!(referenced("configMapRef"), vec![config_map]);
    assert_eq!(referenced("secretRef"), vec![secret]);
}

#[test]
fn configmap_holds_only_known_non_secret_variables() {
    let known = configuration_names();
    let data = string_map(&kubernetes_manifest("configmap.yaml"), &["data"]);
    assert!(!data.is_empty());
    for (key, value) in &data {
        assert!(
            known.contains(key),
            "ConfigMap key {key} is not in the README table"
        );
        assert!(
            !SECRET_VARIABLES.contains(&key.as_str()),
            "secret {key} must not be in the ConfigMap"
        );
        if key == "LISTEN_ADDR" {
            assert!(
                value.ends_with(":8080"),
                "LISTEN_ADDR must match port 8080: {value}"
            );
        }
    }
}

#[test]
fn secret_template_has_placeholders_for_every_secret() {
    let known = configuration_names();
    let data = string_map(&kubernetes_manifest("secret.example.yaml"), &["stringData"]);
    for name in SECRET_VARIABLES {
        let value = data
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
            .unwrap_or_else(|| panic!("{name} missing from the Secret template"));
        assert!(
            value.contains("CHANGE_ME"),
            "{name} should be a placeholder"
        );
    }
    for (key, _) in &data {
        assert!(
            known.contains(key),
            "Secret key {key} is not in the README table"
        );
    }
}

#[test]
fn configmap_and_secret_together_set_every_required_variable() {
    let mut set: Vec<String> = string_map(&kubernetes_manifest("configmap.yaml"), &["data"])
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    set.extend(
        string_map(&kubernetes_manifest("secret.example.yaml"), &["stringData"])
            .into_iter()
            .map(|(key, _)| key),
    );
    for variable in configuration_variables().iter().filter(|v| v.required) {
        assert!(
            set.contains(&variable.name),
            "required {} is in neither the ConfigMap nor the Secret",
            variable.name
        );
    }
}
